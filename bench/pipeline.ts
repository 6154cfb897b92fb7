#!/usr/bin/env bun
// bench/pipeline: N events (default 100,000) through the three running processes into a local
// receiver, on SQLite and on PostgreSQL (when LUMETRY_TEST_DATABASE_URL is set). Reports the
// end-to-end rate, the ingest accept rate, ingestion latency (received -> processed by the worker)
// and delivery latency (received -> delivered) at p50/p99 from the database's own timestamps, and the
// worker's RSS (peak, and the mean of each tenth of the run, to tell warm-up from growth). A second, paced run at a steady
// 1,000 events/s measures latency when the pipeline is not saturated.
//   npx bun bench/pipeline.ts [--events 100000] [--steady-seconds 20] [--store sqlite|postgres]… [--mode throughput|steady]… [--write docs/performance.md]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadRuntime } from '../src/runtime/index.ts';
import { sqlTargets, type TestDatabase } from '../test/helpers/sql-targets.ts';
import { addDestination, createTenant, startStack, type Stack } from '../test/helpers/stack.ts';
import { publish } from './report.ts';
import { wholeFlag } from './setup.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    'steady-seconds': { type: 'string', default: '20' },
    store: { type: 'string', multiple: true },
    mode: { type: 'string', multiple: true },
    write: { type: 'string' },
  },
});
const count = wholeFlag(values.events, '--events', 1000);
const steadySeconds = wholeFlag(values['steady-seconds'], '--steady-seconds', 5);
const batch = 500;
const senders = 4;

interface Result {
  store: string;
  mode: string;
  events: number;
  seconds: number;
  acceptRate: number;
  ingestP50: number;
  ingestP99: number;
  deliveryP50: number;
  deliveryP99: number;
  peakRssMb: number;
  /** Mean RSS of each tenth of the run, in MB. */
  rssDecilesMb: number[];
}

async function receiver() {
  let delivered = 0;
  const server = await (await loadRuntime()).serve(async (request) => {
    await request.arrayBuffer();
    delivered++;
    return new Response(null, { status: 204 });
  }, { hostname: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${server.port}/hook`, delivered: () => delivered, close: () => server.stop() };
}

function rssSampler(pid: number) {
  const samples: number[] = [];
  const timer = setInterval(() => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) samples.push(Number(match[1]) / 1024);
    } catch {
      // the process is gone; the run will notice
    }
  }, 250);
  return {
    stop: () => clearInterval(timer),
    summary: () => {
      const tenth = Math.max(1, Math.floor(samples.length / 10));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const deciles = Array.from({ length: 10 }, (_, d) => Math.round(mean(samples.slice(d * tenth, d === 9 ? samples.length : (d + 1) * tenth))));
      return { peak: Math.max(...samples), deciles };
    },
  };
}

async function post(stack: Stack, key: string, events: unknown[]): Promise<void> {
  for (;;) {
    const response = await fetch(`${stack.url('ingest-api')}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
    await response.arrayBuffer();
    if (response.status === 202) return;
    if (response.status !== 503) throw new Error(`ingest answered ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const makeEvents = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `b-${from + i}`, type: 'order.created', data: { n: from + i, customer: 'c-1234', total: 99.5, items: [{ sku: 'A-1', qty: 2 }] } }));

async function latencies(database: TestDatabase) {
  const driver = await database.connect();
  try {
    const events = await driver.query('SELECT processed_at - received_at AS ms FROM events');
    const deliveries = await driver.query('SELECT d.delivered_at - e.received_at AS ms FROM deliveries d JOIN events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id');
    const pct = (rows: Record<string, unknown>[], p: number) => {
      const sorted = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
    };
    return { ingestP50: pct(events, 50), ingestP99: pct(events, 99), deliveryP50: pct(deliveries, 50), deliveryP99: pct(deliveries, 99) };
  } finally {
    await driver.close();
  }
}

async function run(target: (typeof sqlTargets)[number], mode: 'throughput' | 'steady'): Promise<Result> {
  const database = await target.create();
  const hook = await receiver();
  const env = await target.settings(database);
  const tenant = await createTenant(env, 'bench');
  await addDestination(env, tenant.id, hook.url);
  const stack = await startStack(env);
  const rss = rssSampler(stack.processes.get('worker')!.child.pid!);
  const total = mode === 'throughput' ? count : steadySeconds * 1000;
  const started = performance.now();
  if (mode === 'throughput') {
    let next = 0;
    await Promise.all(Array.from({ length: senders }, async () => {
      for (let from = (next += batch) - batch; from < total; from = (next += batch) - batch) await post(stack, tenant.ingestKey, makeEvents(from, Math.min(batch, total - from)));
    }));
  } else {
    for (let second = 0; second < steadySeconds; second++) {
      for (let tick = 0; tick < 10; tick++) {
        const due = started + (second * 10 + tick) * 100;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
        await post(stack, tenant.ingestKey, makeEvents(second * 1000 + tick * 100, 100));
      }
    }
  }
  const accepted = performance.now();
  while (hook.delivered() < total) await new Promise((resolve) => setTimeout(resolve, 20));
  const finished = performance.now();
  rss.stop();
  await stack.stop();
  await hook.close();
  const lat = await latencies(database);
  await database.destroy();
  const memory = rss.summary();
  return {
    store: target.name,
    mode,
    events: total,
    seconds: (finished - started) / 1000,
    acceptRate: total / ((accepted - started) / 1000),
    ...lat,
    peakRssMb: memory.peak,
    rssDecilesMb: memory.deciles,
  };
}

const results: Result[] = [];
const stores = values.store ?? ['sqlite', 'postgres'];
const modes = (values.mode ?? ['throughput', 'steady']) as ('throughput' | 'steady')[];
for (const target of sqlTargets.filter((t) => !t.skip && stores.includes(t.name))) {
  for (const mode of modes) {
    const result = await run(target, mode);
    results.push(result);
    console.log(JSON.stringify(result));
  }
}

const runtime = await loadRuntime();
const rows = results.map((r) =>
  `| ${r.store} | ${r.mode === 'throughput' ? `as fast as possible, ${senders} senders × ${batch}/batch` : 'steady 1,000 events/s'} | ${r.events.toLocaleString('en')} | ${Math.round(r.events / r.seconds).toLocaleString('en')} | ${Math.round(r.acceptRate).toLocaleString('en')} | ${r.ingestP50} / ${r.ingestP99} | ${r.deliveryP50} / ${r.deliveryP99} | ${r.peakRssMb.toFixed(0)} | ${r.rssDecilesMb.join(' ')} |`,
);
publish(
  'pipeline',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${runtime.name} ${runtime.version}, one worker, defaults otherwise, receiver on 127.0.0.1 answering 204 at once.`,
  ['store', 'load', 'events', 'delivered/s end to end', 'accepted/s', 'ingestion latency p50 / p99 (ms)', 'delivery latency p50 / p99 (ms)', 'worker peak RSS (MB)', 'worker RSS by tenth of the run (MB)'],
  rows,
  values.write,
);
