// The worker's queue gauges while the database does not answer: gone from a /metrics scrape and from
// an OTLP export instead of repeating the last depth read, and back with fresh values once the
// database answers again. Real parts throughout: the SDK's readers (the pull reader and the periodic
// OTLP reader, with the SDK's in-memory exporter standing in for the network), a real SQLite file and
// queue, and reads that really fail or wait: the queue's table taken away by another connection (an
// operator's botched migration: every read fails) or the process's one connection held by a
// transaction that does not end (every read waits past the scrape's limit). Closing the connection
// would not do: on Bun a closed database still runs the statements it has prepared.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, InMemoryMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { createSqlQueue } from '../src/queue/sql-queue.ts';
import { loadRuntime } from '../src/runtime/index.ts';
import { migrate } from '../src/storage/migrate.ts';
import { openSqliteDriver } from '../src/storage/sqlite-driver.ts';
import { createMetrics } from '../src/telemetry/metrics.ts';
import { pipelineMetrics } from '../src/telemetry/pipeline-metrics.ts';
import { tempDir } from './helpers/temp-dir.ts';
import { until } from './helpers/until.ts';

const queueGauge = /^lumetry_queue_(depth|oldest_age_seconds|in_flight|dead_lettered)[{ ]/m;
const item = () => ({ payload: '{}', receivedAt: Date.now(), traceContext: null });

/** A series' value in Prometheus text, found by some of its labels (others, such as the scope's, may follow). */
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const [, body = '', found] of text.matchAll(new RegExp(`^${name}(?:\\{(.*)\\})? (\\S+)$`, 'gm'))) {
    const has = new Map([...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v]));
    if (Object.entries(labels).every(([k, v]) => has.get(k) === v)) return Number(found);
  }
  return undefined;
}

/** The ingest queue's depth in an exported batch, or undefined when the batch has no queue gauges. */
function exportedDepth(batch: ResourceMetrics): number | undefined {
  const names = batch.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.descriptor.name));
  const depth = batch.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === 'lumetry.queue.depth');
  if (!depth) {
    assert.ok(!names.some((name) => name.startsWith('lumetry.queue.') && name !== 'lumetry.queue.items'), `no queue gauge at all: ${names.join(', ')}`);
    return undefined;
  }
  return depth.dataPoints.find((point) => point.attributes['lumetry.queue'] === 'ingest')?.value as number;
}

async function worker() {
  const runtime = await loadRuntime();
  const dir = tempDir('queue-gauges');
  const path = join(dir.path, 'lumetry.db');
  const driver = openSqliteDriver(runtime, { path, busyTimeoutMs: 1_000 });
  await migrate(driver);
  const queue = createSqlQueue(driver);
  const operator = runtime.openSqlite(path);
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metrics = createMetrics(resourceFromAttributes({ 'service.name': 'worker' }), { path: '/metrics', push: { exporter, intervalMs: 100, timeoutMs: 100 } });
  const pipeline = pipelineMetrics(metrics);
  pipeline.observeQueues((name) => queue.stats(name));
  pipeline.eventsAccepted(1, 0);
  const depth = async () => value(await metrics.scrape(), 'lumetry_queue_depth', { lumetry_queue: 'ingest' });
  /** Resolves once an export made from now on says `wanted` (undefined: no queue gauges). */
  const exported = (what: string, wanted: number | undefined) => {
    const from = exporter.getMetrics().length;
    return until(`an OTLP export ${what}`, () => exporter.getMetrics().slice(from).some((batch) => exportedDepth(batch) === wanted), 10_000);
  };
  return {
    driver,
    queue,
    tableGone: () => operator.exec('ALTER TABLE queue_items RENAME TO queue_items_away'),
    tableBack: () => operator.exec('ALTER TABLE queue_items_away RENAME TO queue_items'),
    depth,
    exported,
    scrape: () => metrics.scrape(),
    close: async () => {
      await metrics.shutdown();
      operator.close();
      await driver.close();
      dir.remove();
    },
  };
}

test('a scrape and an export after the database stops answering have no queue gauges, and have fresh ones once it answers again', { timeout: 60_000 }, async () => {
  const w = await worker();
  try {
    await w.queue.enqueue('ingest', [item(), item(), item()]);
    await until('a scrape shows the depth', async () => (await w.depth()) === 3, 10_000);
    await w.exported('shows the depth', 3);

    w.tableGone(); // every read from now on fails
    await until('a scrape has no queue gauges', async () => !queueGauge.test(await w.scrape()), 10_000);
    const text = await w.scrape();
    assert.doesNotMatch(text, queueGauge);
    assert.equal(value(text, 'lumetry_events_total', { lumetry_outcome: 'accepted' }), 1, 'the rest of the scrape is served');
    await w.exported('without queue gauges', undefined);

    w.tableBack();
    await w.queue.enqueue('ingest', [item(), item()]);
    await until('a scrape shows the new depth', async () => (await w.depth()) === 5, 10_000);
    assert.equal(value(await w.scrape(), 'lumetry_queue_in_flight', { lumetry_queue: 'delivery' }), 0, 'all four gauges are back');
    await w.exported('shows the new depth', 5);
  } finally {
    await w.close();
  }
});

test('a read that does not answer in time leaves the queue gauges out until one does', { timeout: 60_000 }, async () => {
  const w = await worker();
  let release = () => {};
  try {
    await w.queue.enqueue('ingest', [item()]);
    await until('a scrape shows the depth', async () => (await w.depth()) === 1, 10_000);
    await w.exported('shows the depth', 1);

    // The process's one SQLite connection is taken by a transaction that waits: reads queue behind it.
    const held = w.driver.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    await until('a scrape has no queue gauges', async () => !queueGauge.test(await w.scrape()), 10_000);
    assert.match(await w.scrape(), /^target_info\{/m, 'the scrape itself is answered');
    await w.exported('without queue gauges', undefined);

    release();
    await held;
    await w.queue.enqueue('ingest', [item()]);
    await until('a scrape shows the new depth', async () => (await w.depth()) === 2, 10_000);
    await w.exported('shows the new depth', 2);
  } finally {
    release();
    await w.close();
  }
});
