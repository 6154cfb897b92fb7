// The DurableQueue contract on SQLite and PostgreSQL: ordered claims under a lease, no item handed
// to two workers, expired leases coming back, retries at a time, dead letters, and stats.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DurableQueue, NewQueueItem } from '../src/queue/durable-queue.ts';
import { createSqlQueue } from '../src/queue/sql-queue.ts';
import { migrate } from '../src/storage/migrate.ts';
import type { SqlDriver } from '../src/storage/sql.ts';
import { sqlTargets, type TestDatabase } from './helpers/sql-targets.ts';

const item = (n: number, receivedAt = 1_000): NewQueueItem => ({ payload: `{"n":${n}}`, receivedAt, traceContext: n % 2 ? `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` : null });

for (const target of sqlTargets) {
  describe(`DurableQueue on ${target.name}`, { skip: target.skip }, () => {
    let database: TestDatabase;
    let driver: SqlDriver;
    let now = 10_000;
    let queue: DurableQueue;

    before(async () => {
      database = await target.create();
      driver = await database.connect();
      await migrate(driver);
      queue = createSqlQueue(driver, () => now);
    });
    after(async () => {
      await driver?.close();
      await database?.destroy();
    });

    const drain = async (name: 'ingest' | 'delivery') => {
      // A lease of 1 ms: drained items would be claimable again at once if the ack missed them.
      const all = await queue.claim(name, { limit: 10_000, leaseMs: 1, owner: 'drain' });
      await queue.ack('drain', all.map((i) => i.id));
    };

    test('claims come in order, under a lease, with what was enqueued', async () => {
      await queue.enqueue('ingest', [item(1, 900), item(2), item(3)]);
      await queue.enqueue('delivery', [item(9)]);
      const claimed = await queue.claim('ingest', { limit: 2, leaseMs: 30_000, owner: 'w1' });
      assert.deepEqual(claimed.map((i) => i.payload), ['{"n":1}', '{"n":2}']);
      assert.deepEqual(claimed.map((i) => [i.queue, i.attempts, i.receivedAt, i.enqueuedAt]), [['ingest', 1, 900, 10_000], ['ingest', 1, 1_000, 10_000]]);
      assert.equal(claimed[0]!.traceContext, `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
      assert.equal(claimed[1]!.traceContext, null);
      assert.deepEqual(await queue.stats('ingest'), { depth: 3, inFlight: 2, deadLettered: 0, oldestAgeMs: 10_000 - 900 });
      const rest = await queue.claim('ingest', { limit: 5, leaseMs: 30_000, owner: 'w2' });
      assert.deepEqual(rest.map((i) => i.payload), ['{"n":3}'], 'leased items are not handed out again');
      assert.equal(await queue.ack('w1', claimed.map((i) => i.id)), 2);
      assert.equal(await queue.ack('w2', rest.map((i) => i.id)), 1);
      assert.deepEqual(await queue.stats('delivery'), { depth: 1, inFlight: 0, deadLettered: 0, oldestAgeMs: 9_000 });
      await drain('delivery');
      assert.deepEqual(await queue.stats('ingest'), { depth: 0, inFlight: 0, deadLettered: 0, oldestAgeMs: 0 });
    });

    test('an expired lease hands the item out again, and the old owner can no longer ack it', async () => {
      await queue.enqueue('ingest', [item(4)]);
      const [first] = await queue.claim('ingest', { limit: 1, leaseMs: 5_000, owner: 'crashed' });
      now += 4_999;
      assert.deepEqual(await queue.claim('ingest', { limit: 1, leaseMs: 5_000, owner: 'w2' }), []);
      now += 1;
      const [again] = await queue.claim('ingest', { limit: 1, leaseMs: 5_000, owner: 'w2' });
      assert.equal(again?.id, first?.id);
      assert.equal(again?.attempts, 2);
      assert.equal(await queue.ack('crashed', [first!.id]), 0);
      assert.equal(await queue.ack('w2', [again!.id]), 1);
    });

    test('retry waits until its time; release does not count an attempt; dead letters stay parked', async () => {
      await queue.enqueue('delivery', [item(5), item(6), item(7)]);
      const [five, six, seven] = await queue.claim('delivery', { limit: 3, leaseMs: 60_000, owner: 'w1' });
      assert.equal(await queue.retry('other', five!.id, now + 1_000, 'HTTP 503'), false, 'only the owner can retry');
      assert.equal(await queue.retry('w1', five!.id, now + 1_000, 'HTTP 503'), true);
      assert.equal(await queue.release('w1', [six!.id]), 1);
      assert.equal(await queue.deadLetter('w1', seven!.id, 'HTTP 410'), true);
      assert.equal(await queue.deadLetter('w1', seven!.id, 'again'), false);

      const immediate = await queue.claim('delivery', { limit: 10, leaseMs: 60_000, owner: 'w2' });
      assert.deepEqual(immediate.map((i) => [i.id, i.attempts]), [[six!.id, 1]]);
      now += 1_000;
      const later = await queue.claim('delivery', { limit: 10, leaseMs: 60_000, owner: 'w2' });
      assert.deepEqual(later.map((i) => [i.id, i.attempts]), [[five!.id, 2]]);
      assert.deepEqual(await queue.stats('delivery'), { depth: 2, inFlight: 2, deadLettered: 1, oldestAgeMs: now - 1_000 });
      await queue.ack('w2', [five!.id, six!.id]);
    });

    test('two workers claiming at once never get the same item, and together get every item', { timeout: 60_000 }, async () => {
      await queue.enqueue('ingest', Array.from({ length: 300 }, (_, n) => item(100 + n)));
      const other = await database.connect();
      try {
        const workers = [createSqlQueue(driver, () => now), createSqlQueue(other, () => now)].map(async (q, w) => {
          const mine: number[] = [];
          for (;;) {
            const batch = await q.claim('ingest', { limit: 7, leaseMs: 60_000, owner: `w${w}` });
            if (batch.length === 0) return mine;
            mine.push(...batch.map((i) => i.id));
            await q.ack(`w${w}`, batch.map((i) => i.id));
          }
        });
        const [a, b] = await Promise.all(workers);
        assert.equal(new Set([...a!, ...b!]).size, 300);
        assert.equal(a!.length + b!.length, 300, 'no item was handed to both');
        assert.ok(a!.length > 0 && b!.length > 0, 'both workers got work');
      } finally {
        await other.close();
      }
    });
  });
}
