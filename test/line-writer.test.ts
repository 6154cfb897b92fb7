// The log writer on a stdout nobody reads: the event loop keeps running, memory stays bounded (lines
// beyond the buffer are dropped and counted), and once the reader catches up everything kept arrives.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

test('a stalled stdout neither blocks the event loop nor grows memory', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/slow-stdout.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pause();
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  while (!stderr.includes('report')) await new Promise((resolve) => setTimeout(resolve, 50));
  const report = Object.fromEntries([...stderr.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
  assert.ok(report.ticks! >= 40, `the event loop kept running while stdout was stalled (${report.ticks} ticks of 20 ms in 1.7 s)`);
  assert.ok(report.dropped! > 0, 'lines beyond the buffer were dropped, not queued without bound');
  assert.ok(report.rss! < 250, `memory stayed bounded (${report.rss} MB after ${report.written} lines)`);

  let received = 0;
  child.stdout.on('data', (chunk: Buffer) => (received += chunk.length));
  child.stdout.resume();
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 0);
  assert.ok(stderr.includes('flushed'));
  const lineBytes = JSON.stringify({ message: 'x'.repeat(180) }).length + 1;
  assert.equal(received, (report.written! - report.dropped!) * lineBytes, 'every line kept was written whole');
});
