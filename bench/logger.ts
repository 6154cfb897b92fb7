#!/usr/bin/env bun
// bench/logger: Lumetry's ECS logger against pino + @elastic/ecs-pino-format (asynchronous
// destination, its fastest mode) writing the same request event, each in its own process, on Bun and
// on Node. Throughput: lines/s into /dev/null (none may be dropped), the two loggers run in turn
// --runs times (one run of either strays by a third on this machine), median of each. Slow stdout: a
// reader taking about 12 MB/s while the logger produces as fast as it can; peak resident memory of
// the producer.
//   npx bun bench/logger.ts [--lines 500000] [--runs 5] [--write docs/performance.md]
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './http-load.ts';
import { publish } from './report.ts';
import { runtimes, root, wholeFlag } from './setup.ts';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '500000' }, runs: { type: 'string', default: '5' }, write: { type: 'string' } } });
const lines = wholeFlag(values.lines, '--lines', 10_000);
const runs = wholeFlag(values.runs, '--runs', 1);

interface Result {
  linesPerSecond: number;
  peakRssMb: number;
  dropped: number;
}

async function run(runtime: keyof typeof runtimes, impl: 'lumetry' | 'pino', scenario: 'throughput' | 'slow'): Promise<Result> {
  const stdout = scenario === 'throughput' ? openSync('/dev/null', 'w') : 'pipe';
  const child = spawn('taskset', ['-c', '1', runtimes[runtime], join(root, 'bench/logger-run.ts'), impl, scenario, String(lines)], { stdio: ['ignore', stdout, 'pipe'] });
  child.stdout?.on('data', () => {
    child.stdout!.pause();
    setTimeout(() => child.stdout!.resume(), 5);
  });
  let report = '';
  child.stderr!.on('data', (chunk: Buffer) => (report += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const line = report.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`${runtime} ${impl} ${scenario} gave no result: ${report}`);
  return JSON.parse(line) as Result;
}

const rows: string[] = [];
for (const runtime of ['bun', 'node'] as const) {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await run(runtime, 'lumetry', 'throughput');
    if (result.dropped > 0) throw new Error(`${runtime}: ${result.dropped} lines dropped writing to /dev/null`);
    ours.push(result.linesPerSecond);
    theirs.push((await run(runtime, 'pino', 'throughput')).linesPerSecond);
  }
  const oursSlow = await run(runtime, 'lumetry', 'slow');
  const theirsSlow = await run(runtime, 'pino', 'slow');
  console.log(JSON.stringify({ runtime, ours, theirs, oursSlow, theirsSlow }));
  const n = (x: number) => Math.round(x).toLocaleString('en');
  const ratios = ours.map((value, i) => value / theirs[i]!);
  rows.push(
    `| ${runtime} | ${n(median(theirs))} | ${n(median(ours))} | ${(median(ours) / median(theirs)).toFixed(1)}x | ${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}x | ${n(theirsSlow.peakRssMb)} | ${n(oursSlow.peakRssMb)} (${n(oursSlow.dropped)} lines dropped) |`,
  );
}
publish(
  'logger',
  `Measured ${new Date().toISOString().slice(0, 10)}: ${lines.toLocaleString('en')} request events of about 450 bytes, each logger in its own process pinned to core 1; lines/s: median of ${runs} runs of each, in turn; range: of the ratio of one run to the other logger's next.`,
  ['runtime', 'pino + ecs-pino-format lines/s', 'Lumetry lines/s', 'ratio', 'range over runs', 'pino peak RSS, slow stdout (MB)', 'Lumetry peak RSS, slow stdout (MB)'],
  rows,
  values.write,
);
