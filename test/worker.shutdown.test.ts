// A worker stopped with SIGTERM in the middle of deliveries finishes the attempts in flight, records
// them, exits 0, and the next worker delivers the rest without repeating any.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertNoneRunning } from './helpers/processes.ts';
import { startReceiver } from './helpers/receiver.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { addDestination, createTenant, ingest, startStack } from './helpers/stack.ts';

after(assertNoneRunning);

test('SIGTERM finishes deliveries in flight; a restart delivers the rest exactly once', { timeout: 120_000 }, async () => {
  const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
  const database = await sqlite.create();
  const receiver = await startReceiver();
  receiver.on('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return new Response(null, { status: 204 });
  });
  const db = await database.connect();
  try {
    const env = { ...(await sqlite.settings(database)), LUMETRY_DELIVERY_CONCURRENCY: '4', LUMETRY_DELIVERY_TIMEOUT_MS: '5000', LUMETRY_WORKER_IDLE_POLL_MS: '50' };
    const tenant = await createTenant(env, 'acme');
    await addDestination(env, tenant.id, `${receiver.url}/slow`);
    const stack = await startStack(env);
    try {
      await ingest(stack, tenant.ingestKey, Array.from({ length: 12 }, (_, n) => ({ id: `s-${n}`, type: 't', data: {} })));
      await receiver.until((got) => got.length >= 4);
      const worker = stack.processes.get('worker')!;
      worker.child.kill('SIGTERM');
      assert.deepEqual(await worker.exited, { code: 0, signal: null });
      assert.ok(worker.stdout.some((line) => line.includes('"message":"worker stopped: work in hand finished"')));

      const seen = receiver.received.length;
      const [delivered] = await db.query("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'delivered'");
      assert.equal(Number(delivered!.n), seen, 'every attempt in flight at SIGTERM finished and was recorded');
      const [leased] = await db.query("SELECT COUNT(*) AS n FROM queue_items WHERE lease_owner IS NOT NULL");
      assert.equal(Number(leased!.n), 0, 'the stopped worker holds no leases');

      await stack.restart('worker');
      await receiver.until((got) => got.length >= 12);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const ids = receiver.received.map((r) => r.headers['lumetry-event-id']);
      assert.equal(ids.length, 12, 'nothing was delivered twice');
      assert.equal(new Set(ids).size, 12);
    } finally {
      await stack.stop();
    }
  } finally {
    await db.close();
    await receiver.close();
    await database.destroy();
  }
});
