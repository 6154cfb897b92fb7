// A damaged delivery must not hold back every other delivery behind it. A result the database
// refuses (here a real SQLite trigger that aborts the update of one delivery, as a damaged row or a
// stray constraint would): the others are recorded, and the refused one is logged and left to be
// attempted again when its lease expires. A queue item whose payload names no delivery: the items
// claimed with it go out, and it is parked at once, since no later claim could read it either.
// Three real processes, a real receiver.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadRuntime } from '../src/runtime/index.ts';
import type { SqliteDatabase } from '../src/runtime/types.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { type Behaviour, type Receiver, startReceiver } from './helpers/receiver.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { addDestination, createTenant, ingest, type Stack, startStack } from './helpers/stack.ts';
import { until } from './helpers/until.ts';

after(assertNoneRunning);
const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;

/**
 * One tenant with one destination (`/hook`, answered by `hook`) on a fresh SQLite database, `damage`
 * done to the database through a connection of its own, then the stack started for `check`.
 */
async function withDamage(hook: Behaviour, damage: (db: SqliteDatabase) => void, check: (stack: Stack, ingestKey: string, db: SqliteDatabase, receiver: Receiver) => Promise<void>): Promise<void> {
  const database = await sqlite.create();
  const receiver = await startReceiver();
  receiver.on('/hook', hook);
  const db = (await loadRuntime()).openSqlite(join(database.location, 'lumetry.db'));
  try {
    const settings = { ...(await sqlite.settings(database)), LUMETRY_WORKER_IDLE_POLL_MS: '50' };
    const tenant = await createTenant(settings, 'acme');
    await addDestination(settings, tenant.id, `${receiver.url}/hook`);
    damage(db);
    const stack = await startStack(settings);
    try {
      await check(stack, tenant.ingestKey, db, receiver);
    } finally {
      await stack.stop();
    }
  } finally {
    db.close();
    await receiver.close();
    await database.destroy();
  }
}

test('a result the database refuses holds back none recorded after it', { timeout: 60_000 }, async () => {
  await withDamage(
    // The damaged delivery's answer comes first, so its result is the first to be written.
    async (request) => {
      if (!request.body.includes('order.damaged')) await new Promise((resolve) => setTimeout(resolve, 300));
      return new Response(null, { status: 204 });
    },
    (db) =>
      db.exec(`CREATE TRIGGER damaged BEFORE UPDATE OF status ON deliveries
               WHEN (SELECT type FROM events WHERE tenant_id = OLD.tenant_id AND id = OLD.event_id) = 'order.damaged'
               BEGIN SELECT RAISE(ABORT, 'damaged delivery row'); END`),
    async (stack, ingestKey, db, receiver) => {
      await ingest(stack, ingestKey, [
        { id: 'evt_damaged', type: 'order.damaged', data: {} },
        { id: 'evt_1', type: 'order.created', data: {} },
        { id: 'evt_2', type: 'order.created', data: {} },
      ]);
      await receiver.until((got) => got.length === 3, 20_000);
      const statuses = () => Object.fromEntries(db.prepare('SELECT event_id, status FROM deliveries ORDER BY event_id').all().map((row) => [row.event_id, row.status]));
      await until('the other results are recorded', () => statuses().evt_1 === 'delivered' && statuses().evt_2 === 'delivered');
      assert.equal(statuses().evt_damaged, 'pending', 'the refused result is not recorded');
      const [item] = db.prepare("SELECT id FROM queue_items WHERE queue = 'delivery'").all();
      const line = await stack.processes.get('worker')!.waitForLog((entry) => String(entry.message).startsWith('a delivery result could not be recorded'));
      assert.equal(line['log.level'], 'error');
      assert.equal((line.lumetry as { queue_item_id: number }).queue_item_id, Number(item!.id), 'the line names the item left to its lease');
      assert.match(JSON.stringify(line.error), /damaged delivery row/);
    },
  );
});

test('a delivery item whose payload names no delivery is parked at once and holds back none claimed with it', { timeout: 60_000 }, async () => {
  await withDamage(
    () => new Response(null, { status: 204 }),
    // The oldest item on the queue, so every claim before the fix took it with the others.
    (db) =>
      db.exec(`INSERT INTO queue_items (queue, payload, trace_context, received_at, enqueued_at, available_at)
               VALUES ('delivery', '{"deliv', NULL, 1, 1, 0)`),
    async (stack, ingestKey, db, receiver) => {
      await ingest(stack, ingestKey, [
        { id: 'evt_1', type: 'order.created', data: {} },
        { id: 'evt_2', type: 'order.created', data: {} },
      ]);
      await receiver.until((got) => got.length === 2, 20_000);
      const line = await stack.processes.get('worker')!.waitForLog((entry) => String(entry.message).startsWith('delivery item dead-lettered'));
      assert.equal(line['log.level'], 'error');
      assert.equal(line.message, 'delivery item dead-lettered: damaged queue item: its payload names no delivery');
      const [parked] = db.prepare('SELECT id, last_error FROM queue_items WHERE dead_lettered_at IS NOT NULL').all();
      assert.equal((line.lumetry as { queue_item_id: number }).queue_item_id, Number(parked!.id));
      assert.equal(parked!.last_error, 'damaged queue item: its payload names no delivery');
      await until('the delivered items are acked', () => db.prepare('SELECT COUNT(*) AS n FROM queue_items WHERE dead_lettered_at IS NULL').all()[0]!.n === 0);
      const scrape = await (await fetch(`${stack.url('worker')}/metrics`)).text();
      assert.match(scrape, /^lumetry_queue_items_total\{lumetry_queue="delivery",lumetry_operation="dead_lettered",[^}]*\} 1$/m);
    },
  );
});
