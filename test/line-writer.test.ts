// The log writer on a stdout nobody reads: the event loop keeps running, memory stays bounded (lines
// beyond the buffer are dropped and counted), once the reader catches up everything kept arrives, and
// a process asked to exit still exits on time, without a torn line in the middle of its output. And
// deferred lines keep their place among written ones.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { fdLineWriter } from '../src/telemetry/line-writer.ts';

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

/** Everything a FIFO holds once its writers are gone. */
function drain(fd: number): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(1 << 16);
  for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) chunks.push(Buffer.from(buffer.subarray(0, n)));
  return Buffer.concat(chunks).toString('utf8');
}

test('a process exits on time while nobody reads its stdout, and what did get out is whole lines', { timeout: 60_000 }, async () => {
  // A FIFO that nobody reads until the child has gone: a log shipper that has stalled.
  const fifo = join(mkdtempSync(join(tmpdir(), 'lumetry-fifo-')), 'stdout');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY);
  const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/exit-stalled-stdout.ts', import.meta.url))], { stdio: ['ignore', writer, 'pipe'] });
  closeSync(writer);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  while (!stderr.includes('exiting')) await new Promise((resolve) => setTimeout(resolve, 50));
  const asked = Date.now();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 15_000).unref());
  const code = await Promise.race([exited, late]);
  const seconds = (Date.now() - asked) / 1000;
  if (code === 'late') child.kill('SIGKILL');
  await exited;
  const lines = drain(reader).split('\n');
  closeSync(reader);
  assert.equal(code, 3, `exit code 3 within 15 s of asking (still running after ${seconds.toFixed(1)} s)`);
  // The write in flight at exit may stop part-way through its last line; nothing may follow it.
  lines.pop();
  assert.ok(lines.length > 100, `lines arrived before the exit (${lines.length})`);
  for (const [i, line] of lines.entries()) assert.doesNotThrow(() => JSON.parse(line), `line ${i + 1} of ${lines.length} is a whole JSON document: ${line.slice(0, 80)}…`);
});

test('deferred lines are made with the next batch, in order with lines written around them', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'lumetry-lines-')), 'out');
  const fd = openSync(file, 'w');
  const writer = fdLineWriter(fd);
  let made = 0;
  const defer = (text: string) => writer.defer((out) => {
    made++;
    out.text(text);
  });
  writer.write('one\n');
  defer('two\n');
  defer('three\n');
  writer.write('four\n');
  defer('five\n');
  assert.equal(made, 2, 'a written line makes the deferred lines before it first');
  await writer.flush();
  closeSync(fd);
  assert.equal(made, 3);
  assert.equal(readFileSync(file, 'utf8'), 'one\ntwo\nthree\nfour\nfive\n');
});

test('other writers to process.stdout share it with the log writer: every line of both arrives', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/shared-stdout.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const ended = new Promise((resolve) => child.stdout.once('end', resolve));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // A slow reader at first, so that the log writer still has a write waiting when the other comes.
  child.stdout.pause();
  await new Promise((resolve) => setTimeout(resolve, 500));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stdout.resume();
  const code = await new Promise((resolve) => child.once('exit', resolve));
  await ended;
  assert.equal(code, 0, stderr);
  const lines = stdout.split('\n').filter((line) => line !== '');
  assert.deepEqual(lines.filter((line) => line.startsWith('plain line')), Array.from({ length: 20 }, (_, round) => `plain line ${round}`));
  const logged = lines.filter((line) => !line.startsWith('plain line')).map((line) => JSON.parse(line) as { message: string });
  assert.equal(logged.filter((entry) => entry.message === 'from the writer').length, 10_000);
});

test('console output in a service process becomes ECS events among the writer\'s lines', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/console-output.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const ended = new Promise((resolve) => child.stdout.once('end', resolve));
  child.stdout.pause();
  await new Promise((resolve) => setTimeout(resolve, 500));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stdout.resume();
  assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 0, stderr);
  await ended;
  const entries = stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, string> & { message: string });
  assert.equal(entries.filter((entry) => entry.message === 'from the writer').length, 10_000);
  const printed = entries.filter((entry) => entry['log.logger'] === 'console');
  assert.deepEqual(
    printed.slice(0, 20).map((entry) => [entry['log.level'], entry.message]),
    Array.from({ length: 20 }, (_, round) => ['info', `console line ${round}\nwith a second line { nested: { round: ${round} } }`]),
  );
  assert.deepEqual(printed.slice(20).map((entry) => [entry['log.level'], entry.message.split('\n')[0]]), [['warn', 'a warning'], ['error', 'Error: a failure']]);
  assert.ok(printed[21]!.message.includes('console-output.ts'), 'an error printed to the console keeps its stack');
  assert.equal(entries.filter((entry) => entry['service.name'] === 'fixture').length, entries.length, 'every line is the service\'s ECS document');
});
