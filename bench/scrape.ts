#!/usr/bin/env bun
// bench/scrape: one /metrics scrape of a histogram with 10,000 series, Lumetry's serializer over the
// OpenTelemetry SDK against prom-client serialising the same series, each in its own process on Bun
// and on Node. Also checks that every series comes out (none folded away by a cardinality limit).
//   npx bun bench/scrape.ts [--series 10000] [--rounds 20] [--write docs/performance.md]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { publish } from './report.ts';
import { runtimes, root, wholeFlag } from './setup.ts';

const { values } = parseArgs({ options: { series: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '20' }, write: { type: 'string' } } });
const series = wholeFlag(values.series, '--series', 1);
const rounds = wholeFlag(values.rounds, '--rounds', 1);

interface Result {
  msPerScrape: number;
  bytes: number;
  seriesSeen: number;
  peakRssMb: number;
}

function run(runtime: keyof typeof runtimes, impl: 'lumetry' | 'prom-client'): Result {
  const child = spawnSync('taskset', ['-c', '1', runtimes[runtime], join(root, 'bench/scrape-run.ts'), impl, String(series), String(rounds)], { encoding: 'utf8' });
  const line = child.stderr.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`${runtime} ${impl} gave no result: ${child.stderr}`);
  const result = JSON.parse(line) as Result;
  if (result.seriesSeen !== series) throw new Error(`${runtime} ${impl} exposed ${result.seriesSeen} of ${series} series`);
  return result;
}

const rows: string[] = [];
for (const runtime of ['bun', 'node'] as const) {
  const theirs = run(runtime, 'prom-client');
  const ours = run(runtime, 'lumetry');
  console.log(JSON.stringify({ runtime, theirs, ours }));
  rows.push(
    `| ${runtime} | ${theirs.msPerScrape.toFixed(1)} | ${ours.msPerScrape.toFixed(1)} | ${(ours.msPerScrape / theirs.msPerScrape).toFixed(2)}x | ${Math.round(theirs.peakRssMb)} | ${Math.round(ours.peakRssMb)} | ${ours.seriesSeen.toLocaleString('en')} |`,
  );
}
publish(
  'scrape',
  `Measured ${new Date().toISOString().slice(0, 10)}: one histogram with ${series.toLocaleString('en')} series (${15} buckets each), mean of ${rounds} scrapes after a first one, each side in its own process pinned to core 1.`,
  ['runtime', 'prom-client ms/scrape', 'Lumetry ms/scrape', 'time ratio (lower is better)', 'prom-client peak RSS (MB)', 'Lumetry peak RSS (MB)', 'series exposed'],
  rows,
  values.write,
);
