// What the worker's fan-out does with an ingest item it cannot process, on a real SQLite database:
// the events claimed with it still go out at once, the item alone is tried again and parked after
// its claims, and an outage of the database (another connection holding the write lock past the
// busy timeout) delays the work but never parks it, however many claims it takes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type ClaimOptions, type DurableQueue, type QueueName } from '../src/queue/durable-queue.ts';
import { createSqlQueue } from '../src/queue/sql-queue.ts';
import { loadRuntime } from '../src/runtime/index.ts';
import { migrate } from '../src/storage/migrate.ts';
import { createSqlStore } from '../src/storage/sql-store.ts';
import { openSqliteDriver } from '../src/storage/sqlite-driver.ts';
import { createMetrics } from '../src/telemetry/metrics.ts';
import { pipelineMetrics } from '../src/telemetry/pipeline-metrics.ts';
import { queueTracing } from '../src/telemetry/queue-tracing.ts';
import { processResource } from '../src/telemetry/resource.ts';
import { runFanOutLoop, maxIngestAttempts } from '../workers/fan-out-loop.ts';
import { idleWait } from '../workers/idle-wait.ts';
import { ecsProblems } from './helpers/ecs.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';
import { tempDir } from './helpers/temp-dir.ts';
import { until } from './helpers/until.ts';

async function pipelineDatabase(busyTimeoutMs: number) {
  const runtime = await loadRuntime();
  const dir = tempDir('fan-out');
  const path = join(dir.path, 'lumetry.db');
  const driver = openSqliteDriver(runtime, { path, busyTimeoutMs });
  await migrate(driver);
  const store = createSqlStore(driver, Date.now);
  const queue = createSqlQueue(driver, Date.now);
  const tenant = await store.createTenant('acme');
  await store.createDestination({ tenantId: tenant.id, name: 'all', url: 'https://receiver.test/hook', signingSecret: 'signing-secret', eventTypes: ['*'], enabled: true });
  const accept = (...ids: string[]) => store.acceptEvents(tenant.id, ids.map((id) => ({ id, type: 'order.created', occurredAt: null, data: '{}' })), { receivedAt: Date.now(), traceContext: null });
  const metrics = createMetrics(processResource({ service: 'worker', version: '0', instanceId: 'i', host: 'h', pid: 1 }), { path: '/metrics' });
  const { logger, entries } = memoryLogger();
  const other = runtime.openSqlite(path);
  const controller = new AbortController();
  let loop: Promise<void> | undefined;
  return {
    driver,
    store,
    queue,
    accept,
    metrics,
    entries,
    /** Another connection to the same file, as an operator's sqlite3 shell would be. */
    other,
    start(options: { queue?: DurableQueue; leaseMs: number }) {
      const fanOut = { store, queue: options.queue ?? queue, logger, owner: 'worker-1', batchSize: 10, leaseMs: options.leaseMs, retryBaseMs: 2, idle: idleWait(5, 20), onDeliveriesQueued: () => {}, metrics: pipelineMetrics(metrics), tracing: queueTracing(undefined) };
      loop = runFanOutLoop(fanOut, controller.signal);
    },
    close: async () => {
      controller.abort();
      await loop;
      await metrics.shutdown();
      other.close();
      await driver.close();
      dir.remove();
    },
  };
}

function counted(scrape: string, operation: string): number {
  const line = scrape.split('\n').find((l) => l.startsWith('lumetry_queue_items_total{') && l.includes('lumetry_queue="ingest"') && l.includes(`lumetry_operation="${operation}"`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('fan-out of ingest items it cannot process', () => {
  const opened: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const db of opened) await db.close();
  });

  test('a damaged item holds back none of the events claimed with it, and alone is tried again, then parked', { timeout: 60_000 }, async () => {
    const db = await pipelineDatabase(5_000);
    opened.push(db);
    await db.accept('evt_1');
    await db.queue.enqueue('ingest', [{ payload: '{"damaged', receivedAt: Date.now(), traceContext: null }]);
    await db.accept('evt_2', 'evt_3');
    // A lease far longer than the test: whatever is tried again is so because the worker chose to.
    db.start({ leaseMs: 600_000 });

    await until('the three events have their deliveries queued', async () => (await db.queue.stats('delivery')).depth === 3, 30_000, 20);
    const waiting = await db.queue.stats('ingest');
    assert.equal(waiting.deadLettered, 0, 'nothing is parked on the first failure');
    assert.equal(waiting.depth, 1, 'the damaged item waits to be tried again');

    await until('the damaged item is parked', async () => (await db.queue.stats('ingest')).deadLettered === 1, 30_000, 20);
    assert.equal((await db.queue.stats('ingest')).depth, 0);
    assert.equal((await db.queue.stats('delivery')).depth, 3, 'the events were fanned out once each');
    const [parked] = await db.driver.query('SELECT attempts, last_error FROM queue_items WHERE dead_lettered_at IS NOT NULL');
    assert.equal(Number(parked!.attempts), maxIngestAttempts);
    assert.equal(parked!.last_error, `fan-out failed: SyntaxError (claim ${maxIngestAttempts})`);

    const lines = db.entries();
    assert.equal(lines.filter((l) => l['log.level'] === 'error' && String(l.message).startsWith('ingest item could not be fanned out')).length, maxIngestAttempts - 1);
    const deadLine = lines.find((l) => String(l.message).startsWith('ingest item dead-lettered'));
    assert.ok(deadLine, 'the parked item is logged');
    assert.equal((deadLine.lumetry as { queue_item_id: number }).queue_item_id, Number((await db.driver.query('SELECT id FROM queue_items WHERE dead_lettered_at IS NOT NULL'))[0]!.id));
    assert.equal((deadLine.error as { type: string }).type, 'SyntaxError');
    assert.deepEqual(lines.flatMap(ecsProblems), [], 'every line is ECS, its own fields documented');

    const scrape = await db.metrics.scrape();
    assert.equal(counted(scrape, 'dead_lettered'), 1);
    assert.equal(counted(scrape, 'retried'), maxIngestAttempts - 1);
    assert.equal(counted(scrape, 'acked'), 3);
  });

  test('a database outage during fan-out delays the event past every claim limit but never parks it', { timeout: 60_000 }, async () => {
    const db = await pipelineDatabase(100);
    opened.push(db);
    await db.accept('evt_1');
    const outageClaims = maxIngestAttempts + 2;
    let claims = 0;
    let locked = false;
    // Each claim goes through; then, for the first `outageClaims`, another connection takes the write
    // lock before the fan-out transaction can, and holds it past the busy timeout.
    const queue: DurableQueue = {
      ...db.queue,
      claim: async (name: QueueName, options: ClaimOptions) => {
        if (locked) db.other.exec('COMMIT');
        locked = false;
        const items = await db.queue.claim(name, options);
        if (items.length > 0 && ++claims <= outageClaims) {
          db.other.exec('BEGIN IMMEDIATE');
          locked = true;
        }
        return items;
      },
    };
    db.start({ queue, leaseMs: 30 });

    await until('the event has its delivery queued', async () => (await db.queue.stats('delivery')).depth === 1, 30_000, 20);
    assert.equal(claims, outageClaims + 1, 'it was claimed through the outage and once after it');
    assert.deepEqual(await db.queue.stats('ingest'), { depth: 0, inFlight: 0, deadLettered: 0, oldestAgeMs: 0 });
    const lines = db.entries();
    assert.equal(lines.filter((l) => l.message === 'processing cycle failed: its items return when their lease expires').length, outageClaims);
    assert.ok(lines.every((l) => !String(l.message).includes('dead-lettered')), 'nothing was parked');
    assert.equal(counted(await db.metrics.scrape(), 'dead_lettered'), 0);
  });
});
