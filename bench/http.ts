#!/usr/bin/env bun
// bench/http: requests/s and p99 latency of Lumetry's default and everything-on configurations
// against plain Hono on the same runtime, in the same run, with a reference row for the least any
// request logging costs (bench/http-server.ts `floor`). The servers are pinned to one core
// (taskset), wrk to the other; POST of a 1 KB JSON body, 50 connections. Request logs go to
// /dev/null (a shipper's pipe would be read just as fast). Needs wrk and taskset (Debian packages).
//   npx bun bench/http.ts [--rounds 8] [--slice 1] [--replicas 3] [--signals traces,metrics,logs] [--write docs/performance.md]
import { parseArgs } from 'node:util';
import { body, load, mean, median, pause, startOtlpSink, startServer as startHttpServer } from './http-load.ts';
import { publish } from './report.ts';
import { runtimes, signals, signalsFlag, wholeFlag } from './setup.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '8' }, slice: { type: 'string', default: '1' }, replicas: { type: 'string', default: '3' }, signals: { type: 'string', default: signals.join(',') }, write: { type: 'string' } } });
const exported = signalsFlag(values.signals, '--signals');
const rounds = wholeFlag(values.rounds, '--rounds', 1);
const slice = wholeFlag(values.slice, '--slice', 1);
const replicas = wholeFlag(values.replicas, '--replicas', 1);
const sink = await startOtlpSink();

type Mode = 'bare' | 'floor' | 'lumetry' | 'everything';
const modes: readonly Mode[] = ['bare', 'floor', 'lumetry', 'everything'];

const startServer = (runtime: keyof typeof runtimes, mode: Mode) => startHttpServer(runtime, [mode, sink.url, exported.join(',')]);

/**
 * Every configuration runs in several processes side by side (two processes of the same server
 * differ by up to ±8% here: memory layout, JIT), each loaded in turn for one slice at a time, so that
 * a slower stretch of this shared machine, or a slower process, falls on all configurations alike.
 * A round's figure for a configuration is the mean over its processes.
 */
async function measure(runtime: keyof typeof runtimes) {
  const servers = await Promise.all(Array.from({ length: replicas }, () => modes.map((mode) => startServer(runtime, mode))).flat());
  for (const { url } of servers) load(url, 1);
  const slices = modes.map(() => ({ rps: [] as number[], p99ms: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    const perRound = modes.map(() => [] as number[]);
    for (const [i, { url }] of servers.entries()) {
      // A moment for the last server's batched work (log writes, OTLP exports) to finish first.
      await pause(300);
      const { rps, p99ms } = load(url, slice);
      perRound[i % modes.length]!.push(rps);
      slices[i % modes.length]!.p99ms.push(p99ms);
    }
    for (const [m, values] of perRound.entries()) slices[m]!.rps.push(mean(values));
  }
  for (const { server } of servers) server.kill('SIGKILL');
  const bareRps = slices[0]!.rps;
  const [bare, floor, lumetry, everything] = slices.map(({ rps, p99ms }) => ({
    rps: mean(rps),
    p99ms: median(p99ms),
    ratios: rps.map((value, i) => value / bareRps[i]!),
  }));
  return { bare: bare!, floor: floor!, lumetry: lumetry!, everything: everything! };
}

const rows: string[] = [];
const labels = { floor: 'reference: plain Hono + the lookups a request event needs, no telemetry', lumetry: 'default (Prometheus + ECS logs)', everything: exported.length === signals.length ? 'everything on (OTLP traces 100%, metrics, logs)' : `OTLP ${exported.join(' + ')} only${exported.includes('traces') ? ' (traces 100%)' : ''}` };
for (const runtime of ['bun', 'node'] as const) {
  const results = await measure(runtime);
  const { bare } = results;
  for (const mode of ['floor', 'lumetry', 'everything'] as const) {
    const result = results[mode];
    console.log(JSON.stringify({ runtime, mode, bare, result }));
    const spread = `${Math.min(...result.ratios).toFixed(2)}–${Math.max(...result.ratios).toFixed(2)}`;
    const cells = [runtime, labels[mode], Math.round(bare.rps).toLocaleString('en'), Math.round(result.rps).toLocaleString('en'), `${(result.rps / bare.rps).toFixed(2)}x`, spread, bare.p99ms.toFixed(2), result.p99ms.toFixed(2), (result.p99ms - bare.p99ms).toFixed(2)];
    rows.push(`| ${cells.join(' | ')} |`);
  }
}
sink.stop();
publish(
  'http',
  `Measured ${new Date().toISOString().slice(0, 10)}: POST of ${body.length} bytes of JSON, wrk with 50 connections on core 0 (with the OTLP endpoint), the servers on core 1, ${replicas} processes of each configuration, every process loaded in turn for ${slice} s in each of ${rounds} rounds. Ratio: of mean requests/s; range: lowest and highest ratio of one round (mean over a configuration's processes); p99: median over all slices.`,
  ['runtime', 'Lumetry configuration', 'plain Hono req/s', 'Lumetry req/s', 'ratio', 'range over rounds', 'plain p99 (ms)', 'Lumetry p99 (ms)', 'p99 difference (ms)'],
  rows,
  values.write,
);
