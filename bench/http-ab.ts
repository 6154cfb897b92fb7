#!/usr/bin/env bun
// bench/http-ab: one of bench/http's configurations at another commit against this checkout, side
// by side, with plain Hono as the yardstick: the before/after figures in docs/performance.md. The
// other commit is checked out in a temporary git worktree (sharing this checkout's node_modules).
// Every server runs in --replicas processes, each loaded in turn for 1 s a round; each slice also
// reads the server's CPU time, whose ratio matches that of requests/s while the server saturates
// its core (the utilisation column says whether it did). Needs git, wrk and taskset.
//   npx bun bench/http-ab.ts --base <commit> [--mode lumetry|everything|floor] [--runtime bun|node] [--rounds 8] [--replicas 3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { check } from '../src/cli/args.ts';
import { cpuNanoseconds, load, mean, median, pause, startOtlpSink, startServer } from './http-load.ts';
import { root, runtimes, wholeFlag } from './setup.ts';

const { values } = parseArgs({ options: { base: { type: 'string' }, mode: { type: 'string', default: 'lumetry' }, runtime: { type: 'string', default: 'bun' }, rounds: { type: 'string', default: '8' }, replicas: { type: 'string', default: '3' } } });
const base = check(v.pipe(v.string('is required'), v.regex(/^[\w./^~-]+$/, 'must name a commit')), values.base, '--base');
const mode = check(v.picklist(['lumetry', 'everything', 'floor'], 'must be lumetry, everything or floor'), values.mode, '--mode');
const runtime = check(v.picklist(['bun', 'node'], 'must be bun or node'), values.runtime, '--runtime');
const rounds = wholeFlag(values.rounds, '--rounds', 1);
const replicas = wholeFlag(values.replicas, '--replicas', 1);

const git = (...args: string[]) => {
  const run = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.trim();
};
const commit = git('rev-parse', '--verify', `${base}^{commit}`);
const checkout = join(mkdtempSync(join(tmpdir(), 'lumetry-ab-')), 'base');
git('worktree', 'add', '--detach', checkout, commit);
symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'));

const sink = await startOtlpSink();
const servers: { name: string; server: Awaited<ReturnType<typeof startServer>> }[] = [];
try {
  const kinds = [
    { name: 'plain Hono', args: ['bare'], at: root },
    { name: `${mode} at ${commit.slice(0, 10)}`, args: [mode, sink.url], at: checkout },
    { name: `${mode} here`, args: [mode, sink.url], at: root },
  ];
  for (let replica = 0; replica < replicas; replica++) for (const kind of kinds) servers.push({ name: kind.name, server: await startServer(runtime, kind.args, kind.at) });
  for (const { server } of servers) load(server.url, 1);
  const byKind = kinds.map(() => ({ rps: [] as number[], cpu: [] as number[], busy: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    const slices = kinds.map(() => ({ rps: [] as number[], cpu: [] as number[] }));
    for (const [i, { server }] of servers.entries()) {
      await pause(300);
      const before = cpuNanoseconds(server.server.pid!);
      const started = performance.now();
      const { rps, requests } = load(server.url, 1);
      const used = cpuNanoseconds(server.server.pid!) - before;
      slices[i % kinds.length]!.rps.push(rps);
      slices[i % kinds.length]!.cpu.push(used / requests);
      byKind[i % kinds.length]!.busy.push(used / ((performance.now() - started) * 1e6));
    }
    for (const [k, slice] of slices.entries()) {
      byKind[k]!.rps.push(mean(slice.rps));
      byKind[k]!.cpu.push(mean(slice.cpu));
    }
  }
  const plain = byKind[0]!;
  console.log(`${runtime}, ${replicas} processes each, ${rounds} rounds of 1 s; ratios against plain Hono, median over rounds`);
  console.log('| server | requests/s | ratio (requests/s) | ratio (CPU per request) | CPU per request (µs) | core busy |');
  console.log('|---|---|---|---|---|---|');
  for (const [k, kind] of kinds.entries()) {
    const { rps, cpu, busy } = byKind[k]!;
    const rpsRatio = median(rps.map((value, i) => value / plain.rps[i]!));
    const cpuRatio = median(cpu.map((value, i) => plain.cpu[i]! / value));
    console.log(`| ${kind.name} | ${Math.round(mean(rps)).toLocaleString('en')} | ${rpsRatio.toFixed(3)}x | ${cpuRatio.toFixed(3)}x | ${(median(cpu) / 1000).toFixed(1)} | ${(median(busy) * 100).toFixed(0)}% |`);
  }
} finally {
  for (const { server } of servers) server.server.kill('SIGKILL');
  sink.stop();
  rmSync(join(checkout, 'node_modules'));
  git('worktree', 'remove', '--force', checkout);
  rmSync(join(checkout, '..'), { recursive: true, force: true });
}
