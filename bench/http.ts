#!/usr/bin/env bun
// bench/http: requests/s and p99 latency of Lumetry's default configuration against plain Hono on
// the same runtime, in the same run. Each server is pinned to one core (taskset), wrk to the other;
// POST of a 1 KB JSON body, 50 connections. Request logs go to /dev/null (a shipper's pipe would
// be read just as fast). Needs wrk and taskset (Debian packages).
//   npx bun bench/http.ts [--seconds 10] [--write docs/performance.md]
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSection } from './report.ts';
import { runtimes, root, wholeFlag } from './setup.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, write: { type: 'string' } } });
const seconds = wholeFlag(values.seconds, '--seconds', 2);
const body = JSON.stringify({ type: 'order.created', data: { customer: 'c-1234', items: Array.from({ length: 12 }, (_, i) => ({ sku: `SKU-${i}`, qty: i + 1, price: 9.99 })), note: 'x'.repeat(300) } });
const script = join(tmpdir(), 'lumetry-bench-post.lua');
writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\n`);

function portOf(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      const match = /port=(\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${child.spawnargs.join(' ')} exited with ${code}`)));
  });
}

// The OTLP endpoint of the "everything on" runs shares wrk's core, as a local collector would share the host.
const sink = spawn('taskset', ['-c', '0', runtimes.bun, join(root, 'bench/otlp-sink.ts')], { stdio: ['ignore', 'ignore', 'pipe'] });
const sinkUrl = `http://127.0.0.1:${await portOf(sink)}`;

async function measure(runtime: keyof typeof runtimes, mode: 'bare' | 'lumetry' | 'everything') {
  const server = spawn('taskset', ['-c', '1', runtimes[runtime], join(root, 'bench/http-server.ts'), mode, sinkUrl], { stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'] });
  const port = await portOf(server);
  const url = `http://127.0.0.1:${port}/v1/echo`;
  spawnSync('taskset', ['-c', '0', 'wrk', '-t1', '-c50', '-d2s', '-s', script, url]);
  const run = spawnSync('taskset', ['-c', '0', 'wrk', '-t1', '-c50', `-d${seconds}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  server.kill('SIGKILL');
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(run.stdout);
  const p99ms = p99 ? Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1) : Number.NaN;
  if (!Number.isFinite(rps)) throw new Error(`wrk gave no result: ${run.stdout}${run.stderr}`);
  return { rps, p99ms };
}

const rows: string[] = [];
const labels = { lumetry: 'default (Prometheus + ECS logs)', everything: 'everything on (OTLP traces 100%, metrics, logs)' };
for (const runtime of ['bun', 'node'] as const) {
  const bare = await measure(runtime, 'bare');
  for (const mode of ['lumetry', 'everything'] as const) {
    const result = await measure(runtime, mode);
    console.log(JSON.stringify({ runtime, mode, bare, result }));
    const cells = [runtime, labels[mode], Math.round(bare.rps).toLocaleString('en'), Math.round(result.rps).toLocaleString('en'), `${(result.rps / bare.rps).toFixed(2)}x`, bare.p99ms.toFixed(2), result.p99ms.toFixed(2), (result.p99ms - bare.p99ms).toFixed(2)];
    rows.push(`| ${cells.join(' | ')} |`);
  }
}
sink.kill('SIGKILL');
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)}: POST of ${body.length} bytes of JSON, wrk with 50 connections for ${seconds} s on core 0 (with the OTLP endpoint), the server alone on core 1.`,
  '',
  '| runtime | Lumetry configuration | plain Hono req/s | Lumetry req/s | ratio | plain p99 (ms) | Lumetry p99 (ms) | p99 difference (ms) |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(`\n${table}`);
if (values.write) writeSection(values.write, 'http', table);
