// What bench/http and bench/http-ab share: the POST body and its wrk script, starting a
// bench/http-server.ts process pinned to core 1 (and the OTLP endpoint on core 0), one wrk slice
// from core 0, and a server's CPU time.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runtimes } from './setup.ts';

export const body = JSON.stringify({ type: 'order.created', data: { customer: 'c-1234', items: Array.from({ length: 12 }, (_, i) => ({ sku: `SKU-${i}`, qty: i + 1, price: 9.99 })), note: 'x'.repeat(300) } });
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

/** A live OTLP endpoint on wrk's core, as a local collector would share the host. */
export async function startOtlpSink() {
  const sink = spawn('taskset', ['-c', '0', runtimes.bun, join(root, 'bench/otlp-sink.ts')], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { url: `http://127.0.0.1:${await portOf(sink)}`, stop: () => sink.kill('SIGKILL') };
}

/** bench/http-server.ts of the checkout at `checkout`, on core 1, its request logs to /dev/null. */
export async function startServer(runtime: keyof typeof runtimes, args: readonly string[], checkout = root) {
  const server = spawn('taskset', ['-c', '1', runtimes[runtime], join(checkout, 'bench/http-server.ts'), ...args], { stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'] });
  return { server, url: `http://127.0.0.1:${await portOf(server)}/v1/echo` };
}

/** One wrk run of `seconds` against `url` from core 0: requests/s, requests, and p99 in ms. */
export function load(url: string, seconds: number) {
  const run = spawnSync('taskset', ['-c', '0', 'wrk', '-t1', '-c50', `-d${seconds}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(run.stdout)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(run.stdout);
  const p99ms = p99 ? Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1) : Number.NaN;
  if (!Number.isFinite(rps)) throw new Error(`wrk gave no result: ${run.stdout}${run.stderr}`);
  return { rps, requests, p99ms };
}

/** Nanoseconds of CPU a process's threads have run (Linux schedstat). */
export function cpuNanoseconds(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between listing and reading
    }
  }
  return total;
}

export const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export function median(values: readonly number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
