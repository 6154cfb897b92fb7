// Receivers that fail, and a worker that is killed: failed deliveries are retried or dead-lettered
// as documented, Retry-After is honoured, hung receivers time out, and kill -9 loses nothing.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { assertNoneRunning } from './helpers/processes.ts';
import { startReceiver } from './helpers/receiver.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { addDestination, createTenant, ingest, startStack } from './helpers/stack.ts';

const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
const fast = { LUMETRY_DELIVERY_TIMEOUT_MS: '1000', LUMETRY_DELIVERY_BACKOFF_BASE_MS: '50', LUMETRY_DELIVERY_BACKOFF_MAX_MS: '5000', LUMETRY_DELIVERY_MAX_ATTEMPTS: '4', LUMETRY_WORKER_IDLE_POLL_MS: '50' };

describe('receivers that fail', () => {
  after(assertNoneRunning);

  test('500 then 200 retries; 410 dead-letters at once; 429 waits its Retry-After; a hang times out; 503 forever gives up', { timeout: 120_000 }, async () => {
    const database = await sqlite.create();
    const receiver = await startReceiver();
    receiver.on('/flaky', (_r, earlier) => new Response(null, { status: earlier.length === 0 ? 500 : 200 }));
    receiver.on('/gone', () => new Response('this body is not kept', { status: 410 }));
    receiver.on('/limited', (_r, earlier) => (earlier.length === 0 ? new Response(null, { status: 429, headers: { 'retry-after': '2' } }) : new Response(null, { status: 202 })));
    receiver.on('/hang', async (_r, earlier) => {
      if (earlier.length === 0) await new Promise((resolve) => setTimeout(resolve, 2500));
      return new Response(null, { status: 200 });
    });
    receiver.on('/down', () => new Response(null, { status: 503 }));
    const db = await database.connect();
    try {
      const env = { ...(await sqlite.settings(database)), ...fast };
      const tenant = await createTenant(env, 'acme');
      for (const name of ['flaky', 'gone', 'limited', 'hang', 'down']) await addDestination(env, tenant.id, `${receiver.url}/${name}`, '--event-type', name, '--name', name);
      const stack = await startStack(env);
      try {
        await ingest(stack, tenant.ingestKey, ['flaky', 'gone', 'limited', 'hang', 'down'].map((type) => ({ id: type, type, data: {} })));
        const count = (path: string) => receiver.received.filter((r) => r.path === path).length;
        await receiver.until(() => count('/flaky') === 2 && count('/gone') === 1 && count('/limited') === 2 && count('/hang') === 2 && count('/down') === 4);
        const settled = async () => {
          const rows = await db.query(`SELECT d.status, d.attempts, d.last_status_code, d.last_error, s.name FROM deliveries d JOIN destinations s ON s.id = d.destination_id ORDER BY s.name`);
          return rows.every((r) => r.status !== 'pending') ? rows : undefined;
        };
        let rows: Awaited<ReturnType<typeof settled>>;
        for (let i = 0; i < 100 && !(rows = await settled()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
        const byName = Object.fromEntries(rows!.map((r) => [r.name, [r.status, Number(r.attempts), r.last_status_code === null ? null : Number(r.last_status_code), r.last_error]]));
        assert.deepEqual(byName, {
          flaky: ['delivered', 2, 200, null],
          gone: ['dead', 1, 410, 'HTTP 410'],
          limited: ['delivered', 2, 202, null],
          hang: ['delivered', 2, 200, null],
          down: ['dead', 4, 503, 'gave up after 4 attempts; last: HTTP 503'],
        });
        const limited = receiver.received.filter((r) => r.path === '/limited');
        assert.ok(limited[1]!.at - limited[0]!.at >= 1900, `Retry-After: 2 was honoured (${limited[1]!.at - limited[0]!.at} ms)`);
        const [dead] = await db.query("SELECT COUNT(*) AS n FROM queue_items WHERE queue = 'delivery' AND dead_lettered_at IS NOT NULL");
        assert.equal(Number(dead!.n), 2);
        const flaky = receiver.received.filter((r) => r.path === '/flaky');
        assert.deepEqual(flaky.map((r) => r.headers['lumetry-delivery-attempt']), ['1', '2']);
        assert.equal(flaky[0]!.headers['idempotency-key'], flaky[1]!.headers['idempotency-key'], 'a retry keeps its idempotency key');
      } finally {
        await stack.stop();
      }
    } finally {
      await db.close();
      await receiver.close();
      await database.destroy();
    }
  });
});

for (const target of sqlTargets) {
  describe(`kill -9 of the worker on ${target.name}`, { skip: target.skip }, () => {
    after(assertNoneRunning);

    test('all 2,000 events are delivered after a restart; repeats carry the same idempotency key', { timeout: 180_000 }, async () => {
      const database = await target.create();
      const receiver = await startReceiver();
      receiver.on('/in', async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return new Response(null, { status: 204 });
      });
      try {
        const env = { ...(await target.settings(database)), ...fast, LUMETRY_WORKER_LEASE_MS: '2000', LUMETRY_DELIVERY_CONCURRENCY: '8', LUMETRY_WORKER_BATCH_SIZE: '50' };
        const tenant = await createTenant(env, 'acme');
        await addDestination(env, tenant.id, `${receiver.url}/in`);
        const stack = await startStack(env);
        try {
          const events = Array.from({ length: 2000 }, (_, n) => ({ id: `k-${n}`, type: 'order.created', data: { n } }));
          await ingest(stack, tenant.ingestKey, events, 500);
          await receiver.until((got) => got.length >= 300);
          const worker = stack.processes.get('worker')!;
          worker.child.kill('SIGKILL');
          assert.equal((await worker.exited).signal, 'SIGKILL');
          const deliveredBeforeRestart = new Set(receiver.received.map((r) => r.headers['lumetry-event-id'])).size;
          assert.ok(deliveredBeforeRestart < 2000, 'the worker was killed in the middle of the run');
          await stack.restart('worker');
          await receiver.until((got) => new Set(got.map((r) => r.headers['lumetry-event-id'])).size === 2000, 120_000);

          const keysByEvent = new Map<string, Set<string>>();
          for (const request of receiver.received) {
            const keys = keysByEvent.get(request.headers['lumetry-event-id']!) ?? new Set();
            keys.add(request.headers['idempotency-key']!);
            keysByEvent.set(request.headers['lumetry-event-id']!, keys);
          }
          assert.deepEqual([...keysByEvent.keys()].sort(), events.map((e) => e.id).sort());
          assert.ok([...keysByEvent.values()].every((keys) => keys.size === 1), 'a repeated delivery has the same idempotency key');
        } finally {
          await stack.stop();
        }
      } finally {
        await receiver.close();
        await database.destroy();
      }
    });
  });
}
