// The Store contract: the same behaviour on SQLite and PostgreSQL, through the real drivers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { migrate } from '../src/storage/migrate.ts';
import { migrations } from '../src/storage/migrations/index.ts';
import type { SqlDriver } from '../src/storage/sql.ts';
import { createSqlQueue } from '../src/queue/sql-queue.ts';
import { createSqlStore } from '../src/storage/sql-store.ts';
import type { Store } from '../src/storage/store.ts';
import { StoreError } from '../src/storage/store-error.ts';
import { assertNoneRunning, cleanEnv, run } from './helpers/processes.ts';
import { sqlTargets } from './helpers/sql-targets.ts';

for (const target of sqlTargets) {
  describe(`Store on ${target.name}`, { skip: target.skip }, () => {
    let database: Awaited<ReturnType<typeof target.create>>;
    let driver: SqlDriver;
    let store: Store;

    before(async () => {
      database = await target.create();
      driver = await database.connect();
      store = createSqlStore(driver);
    });
    after(async () => {
      await store?.close();
      await database?.destroy();
    });

    test('migrations are recorded and a second run applies nothing', async () => {
      assert.deepEqual((await migrate(driver)).applied, migrations.map((m) => m.version));
      assert.deepEqual(await migrate(driver), { applied: [], version: migrations.at(-1)!.version });
    });

    test('a database newer than the code is refused, not downgraded', async () => {
      await driver.execute('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [999, 'future', 0]);
      try {
        await assert.rejects(migrate(driver), /schema version 999, newer than this Lumetry knows/);
      } finally {
        await driver.execute('DELETE FROM schema_migrations WHERE version = $1', [999]);
      }
    });

    test('ping answers', async () => {
      await store.ping();
    });

    test('tenants are created, found by id or name, listed, and names are unique', async () => {
      const acme = await store.createTenant('acme');
      const globex = await store.createTenant('globex');
      assert.match(acme.id, /^ten_[0-9A-Z]{26}$/);
      assert.deepEqual(await store.findTenant(acme.id), acme);
      assert.deepEqual(await store.findTenant('globex'), globex);
      assert.equal(await store.findTenant('nobody'), undefined);
      assert.deepEqual((await store.listTenants()).map((t) => t.name), ['acme', 'globex']);
      await assert.rejects(store.createTenant('acme'), (error: unknown) => error instanceof StoreError && error.code === 'conflict');
      assert.equal((await store.listTenants()).length, 2);
    });

    test('API keys are found by hash, listed per tenant, and revoked once', async () => {
      const acme = (await store.findTenant('acme'))!;
      const globex = (await store.findTenant('globex'))!;
      const key = await store.insertApiKey({ tenantId: acme.id, scope: 'ingest', prefix: 'lum_ingest_abcdef', hash: 'a'.repeat(64) });
      await store.insertApiKey({ tenantId: globex.id, scope: 'console', prefix: 'lum_console_zyxwvu', hash: 'b'.repeat(64) });
      assert.deepEqual(await store.findApiKeyByHash('a'.repeat(64)), key);
      assert.equal(await store.findApiKeyByHash('c'.repeat(64)), undefined);
      assert.deepEqual((await store.listApiKeys(acme.id)).map((k) => k.id), [key.id]);

      assert.equal(await store.revokeApiKey(globex.id, key.id), false, "another tenant cannot revoke acme's key");
      assert.equal(await store.revokeApiKey(acme.id, key.id), true);
      assert.equal(await store.revokeApiKey(acme.id, key.id), false, 'a revoked key is not revoked again');
      const revoked = await store.findApiKeyByHash('a'.repeat(64));
      assert.equal(typeof revoked?.revokedAt, 'number');
      await assert.rejects(
        store.insertApiKey({ tenantId: acme.id, scope: 'ingest', prefix: 'x', hash: 'b'.repeat(64) }),
        (error: unknown) => error instanceof StoreError && error.code === 'conflict',
      );
    });

    test('destinations keep their event types, flags and secret', async () => {
      const acme = (await store.findTenant('acme'))!;
      const created = await store.createDestination({
        tenantId: acme.id,
        name: 'orders',
        url: 'https://hooks.example.test/orders',
        signingSecret: 'whsec_test',
        eventTypes: ['order.*', 'invoice.paid'],
        enabled: false,
      });
      const [listed] = await store.listDestinations(acme.id);
      assert.deepEqual(listed, created);
      assert.equal(listed?.enabled, false);
      assert.deepEqual(await store.listDestinations((await store.findTenant('globex'))!.id), []);
    });

    test('heartbeats are recorded, updated in place, listed and removed', async () => {
      const beat = { instanceId: 'i-1', service: 'worker', host: 'h1', version: '0.1.0', startedAt: 1_000, lastSeenAt: 2_000, intervalMs: 5_000, ready: false, failingChecks: ['storage'] };
      await store.recordHeartbeat(beat);
      await store.recordHeartbeat({ ...beat, lastSeenAt: 7_000, ready: true, failingChecks: [] });
      await store.recordHeartbeat({ ...beat, instanceId: 'i-2', service: 'console' });
      assert.deepEqual(await store.listHeartbeats(), [
        { ...beat, instanceId: 'i-2', service: 'console' },
        { ...beat, lastSeenAt: 7_000, ready: true, failingChecks: [] },
      ]);
      await store.removeHeartbeat('i-1');
      await store.removeHeartbeat('i-2');
      assert.deepEqual(await store.listHeartbeats(), []);
    });

    test('events list by arrival, newest first, and page after the last one shown', async () => {
      const globex = (await store.findTenant('globex'))!;
      await store.acceptEvents(globex.id, [{ id: 'zeta', type: 't', occurredAt: null, data: '{}' }], { receivedAt: 10, traceContext: null });
      await store.acceptEvents(globex.id, [{ id: 'alpha', type: 't', occurredAt: null, data: '{}' }, { id: 'beta', type: 't', occurredAt: null, data: '{}' }], { receivedAt: 20, traceContext: null });
      assert.deepEqual((await store.listEvents(globex.id, { limit: 2 })).map((e) => e.id), ['beta', 'alpha']);
      assert.deepEqual((await store.listEvents(globex.id, { limit: 2, before: 'alpha' })).map((e) => e.id), ['zeta']);
    });

    test('a stale outcome from a worker that lost its lease never overwrites a settled delivery', async () => {
      const globex = (await store.findTenant('globex'))!;
      await store.createDestination({ tenantId: globex.id, name: 'd', url: 'https://d.test/', signingSecret: 's', eventTypes: ['*'], enabled: true });
      await store.acceptEvents(globex.id, [{ id: 'race-1', type: 't', occurredAt: null, data: '{}' }], { receivedAt: 30, traceContext: null });
      const queue = createSqlQueue(driver);
      const ingest = await queue.claim('ingest', { limit: 100, leaseMs: 60_000, owner: 'a' });
      await store.fanOut('a', ingest);
      const [item] = await queue.claim('delivery', { limit: 1, leaseMs: 60_000, owner: 'a' });
      const { jobs: [job] } = await store.loadDeliveryJobs('a', [item!]);
      await store.recordDeliveryOutcomes('b', [{ kind: 'delivered', job: job!, statusCode: 200, at: 40 }]);
      await store.recordDeliveryOutcomes('a', [{ kind: 'retry', job: job!, statusCode: 503, error: 'HTTP 503', errorType: '503', at: 50, nextAttemptAt: 60 }]);
      await store.recordDeliveryOutcomes('a', [{ kind: 'dead', job: job!, statusCode: 410, error: 'HTTP 410', errorType: '410', at: 70 }]);
      const delivery = (await store.listDeliveries(globex.id, { limit: 100 })).find((d) => d.id === job!.deliveryId);
      assert.deepEqual([delivery!.status, delivery!.attempts, delivery!.lastStatusCode], ['delivered', 1, 200]);
    });

    test('a delivery item whose payload names no delivery is parked, and the items claimed with it load', async () => {
      const globex = (await store.findTenant('globex'))!;
      await store.createDestination({ tenantId: globex.id, name: 'p', url: 'https://p.test/', signingSecret: 's', eventTypes: ['parked.*'], enabled: true });
      await store.acceptEvents(globex.id, [{ id: 'parked-1', type: 'parked.one', occurredAt: null, data: '{}' }], { receivedAt: 30, traceContext: null });
      const queue = createSqlQueue(driver);
      await store.fanOut('p', await queue.claim('ingest', { limit: 100, leaseMs: 60_000, owner: 'p' }));
      const before = (await queue.stats('delivery')).deadLettered;
      await queue.enqueue('delivery', ['{"deliv', '{"deliveryId":7}', 'null'].map((payload) => ({ payload, receivedAt: 30, traceContext: null })));
      const items = await queue.claim('delivery', { limit: 100, leaseMs: 60_000, owner: 'p' });
      const { jobs, parked } = await store.loadDeliveryJobs('p', items);
      assert.deepEqual(parked.map((item) => item.payload).sort(), ['null', '{"deliv', '{"deliveryId":7}'].sort());
      assert.deepEqual(jobs.filter((job) => job.event.id === 'parked-1').map((job) => job.destination.url).sort(), ['https://d.test/', 'https://p.test/'], 'the deliveries claimed with them load');
      assert.equal((await queue.stats('delivery')).deadLettered, before + 3);
    });

    test('instances unseen for ten of their heartbeat intervals are forgotten', async () => {
      const beat = { service: 'worker', host: 'h', version: '1', startedAt: 0, intervalMs: 100, ready: true, failingChecks: [] };
      await store.recordHeartbeat({ ...beat, instanceId: 'gone', lastSeenAt: 1_000 });
      await store.recordHeartbeat({ ...beat, instanceId: 'alive', lastSeenAt: 1_950 });
      assert.equal(await store.pruneHeartbeats(2_001, 10), 1);
      assert.deepEqual((await store.listHeartbeats()).map((h) => h.instanceId), ['alive']);
      await store.removeHeartbeat('alive');
    });

    test('committed events wake waiting workers where the database can signal (PostgreSQL), never before the commit', { timeout: 20_000 }, async () => {
      const acme = (await store.findTenant('acme'))!;
      const heard: string[] = [];
      const stop = await store.onWork((queue) => heard.push(queue));
      try {
        const event = { id: 'wake-1', type: 't', occurredAt: null, data: '{}' };
        assert.deepEqual(await store.acceptEvents(acme.id, [event], { receivedAt: 1, traceContext: null }), { accepted: ['wake-1'], duplicates: [] });
        assert.deepEqual(await store.acceptEvents(acme.id, [event], { receivedAt: 2, traceContext: null }), { accepted: [], duplicates: ['wake-1'] });
        if (store.dialect === 'postgres') {
          for (let i = 0; i < 200 && heard.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
          assert.deepEqual(heard, ['ingest'], 'one signal for the batch that queued work, none for the duplicate');
        } else {
          await new Promise((resolve) => setTimeout(resolve, 100));
          assert.deepEqual(heard, [], 'SQLite has no signal; workers poll');
        }
      } finally {
        await stop();
      }
    });
  });
}

for (const target of sqlTargets) {
  describe(`migrations on ${target.name} from separate processes`, { skip: target.skip }, () => {
    after(assertNoneRunning);

    test('three processes migrating one fresh database at once apply each migration exactly once', { timeout: 60_000 }, async () => {
      const database = await target.create();
      try {
        const env = cleanEnv(await target.settings(database));
        const results = await Promise.all([1, 2, 3].map(() => run('src/cli/main', ['migrate', '--json'], env)));
        for (const result of results) assert.equal(result.code, 0, result.stderr);
        const applied = results.flatMap((result) => (JSON.parse(result.stdout) as { applied: number[] }).applied);
        assert.deepEqual(applied.sort(), migrations.map((m) => m.version));
      } finally {
        await database.destroy();
      }
    });
  });
}
