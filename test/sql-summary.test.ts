// Query summaries, commands and tables for database spans (src/storage/sql-summary.ts): the
// conventions' examples and the constructs Lumetry writes, then every statement the real store and
// queue send on a real SQLite database, recorded as they pass the driver.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSqlQueue } from '../src/queue/sql-queue.ts';
import { loadRuntime } from '../src/runtime/index.ts';
import { migrate } from '../src/storage/migrate.ts';
import type { SqlDriver, SqlExecutor } from '../src/storage/sql.ts';
import { createSqlStore } from '../src/storage/sql-store.ts';
import { summarizeSql } from '../src/storage/sql-summary.ts';
import { openSqliteDriver } from '../src/storage/sqlite-driver.ts';
import type { DeliveryOutcome } from '../src/storage/store.ts';
import { tempDir } from './helpers/temp-dir.ts';

test('summaries keep operations and tables in order, and nothing else', () => {
  const cases: [sql: string, summary: string, operation: string | undefined, collection: string | undefined][] = [
    ['SELECT *\nFROM   wuser_table\nWHERE  username = ?', 'SELECT wuser_table', 'SELECT', 'wuser_table'],
    ['INSERT INTO shipping_details (order_id, address) SELECT order_id, address FROM orders WHERE order_id = $1', 'INSERT shipping_details SELECT orders', 'INSERT', undefined],
    ['SELECT * FROM songs, artists WHERE songs.artist_id == artists.id', 'SELECT songs artists', 'SELECT', undefined],
    ['SELECT order_date FROM (SELECT * FROM orders o JOIN customers c ON o.customer_id = c.customer_id)', 'SELECT SELECT orders customers', 'SELECT', undefined],
    ['SELECT * FROM "song list", \'artists\'', 'SELECT "song list"', 'SELECT', '"song list"'],
    ['SELECT d.id, s.url FROM deliveries d JOIN events e ON e.id = d.event_id JOIN destinations s ON s.id = d.destination_id WHERE d.id IN ($1, $2)', 'SELECT deliveries events destinations', 'SELECT', undefined],
    ['UPDATE queue_items SET lease_owner = $1 WHERE id IN (SELECT id FROM queue_items WHERE queue = $3 ORDER BY available_at LIMIT $5 FOR UPDATE SKIP LOCKED) RETURNING id', 'UPDATE queue_items SELECT queue_items', 'UPDATE', 'queue_items'],
    ['INSERT INTO instance_heartbeats (instance_id) VALUES ($1) ON CONFLICT (instance_id) DO UPDATE SET last_seen_at = excluded.last_seen_at', 'INSERT instance_heartbeats', 'INSERT', 'instance_heartbeats'],
    ["DELETE FROM queue_items WHERE queue = 'delivery' AND payload = $1", 'DELETE queue_items', 'DELETE', 'queue_items'],
    ['SELECT id FROM events WHERE tenant_id = $1 AND (received_at, id) < (SELECT received_at, id FROM events WHERE id = $3) LIMIT $2', 'SELECT events SELECT events', 'SELECT', 'events'],
    ["SELECT name FROM users WHERE note = 'SELECT FROM secrets' -- FROM comments\n/* JOIN more */ AND id = 42", 'SELECT users', 'SELECT', 'users'],
    ['SELECT pg_notify($1, $2)', 'SELECT', 'SELECT', undefined],
    ['select id from public.users as u where u.id = $1', 'select public.users', 'select', 'public.users'],
    ['VACUUM', 'VACUUM', 'VACUUM', undefined],
  ];
  for (const [sql, summary, operation, collection] of cases) assert.deepEqual(summarizeSql(sql), { summary, operation, collection }, sql);
});

test('a summary stops at 255 characters, between names', () => {
  const tables = Array.from({ length: 40 }, (_, i) => `table_number_${i}`);
  const { summary } = summarizeSql(`SELECT * FROM ${tables.join(', ')}`);
  assert.ok(summary.length <= 255 && summary.length > 200, `${summary.length}`);
  assert.ok(tables.includes(summary.split(' ').at(-1)!), 'the last part is a whole table name');
});

test('every statement the store and queue send has a summary naming its tables', async () => {
  const dir = tempDir('summaries');
  const sent = new Set<string>();
  const recording = (inner: SqlExecutor): SqlExecutor => ({
    query: (sql, params) => (sent.add(sql), inner.query(sql, params)),
    execute: (sql, params) => (sent.add(sql), inner.execute(sql, params)),
    script: (sql) => inner.script(sql),
  });
  const sqlite = openSqliteDriver(await loadRuntime(), { path: join(dir.path, 'lumetry.db'), busyTimeoutMs: 5000 });
  await migrate(sqlite);
  const driver: SqlDriver = { ...sqlite, ...recording(sqlite), transaction: (work) => sqlite.transaction((tx) => work(recording(tx))) };
  const store = createSqlStore(driver);
  const queue = createSqlQueue(driver);
  try {
    const tenant = await store.createTenant('acme');
    await store.findTenant('acme');
    await store.listTenants();
    const key = await store.insertApiKey({ tenantId: tenant.id, scope: 'console', prefix: 'p', hash: 'h' });
    await store.findApiKeyByHash('h');
    await store.listApiKeys(tenant.id);
    const destination = await store.createDestination({ tenantId: tenant.id, name: 'hook', url: 'https://example.com', signingSecret: 's', eventTypes: ['*'], enabled: true });
    await store.listDestinations(tenant.id);
    await store.getDestination(tenant.id, destination.id);
    await store.updateDestination(tenant.id, destination.id, { name: 'renamed' });
    await store.createSession('session', { tenantId: tenant.id, apiKeyId: key.id, csrfToken: 'c', expiresAt: Date.now() + 60_000 });
    await store.findSession('session');
    await store.revokeSession('session');
    await store.revokeApiKey(tenant.id, key.id);
    const events = ['e1', 'e2', 'e3'].map((id) => ({ id, type: 'order.created', occurredAt: null, data: '{}' }));
    await store.acceptEvents(tenant.id, events, { receivedAt: Date.now(), traceContext: null });
    await store.fanOut('worker', await queue.claim('ingest', { limit: 10, leaseMs: 60_000, owner: 'worker' }));
    const { jobs } = await store.loadDeliveryJobs('worker', await queue.claim('delivery', { limit: 10, leaseMs: 60_000, owner: 'worker' }));
    const at = Date.now();
    const outcomes: DeliveryOutcome[] = [
      { kind: 'delivered', job: jobs[0]!, statusCode: 204, at },
      { kind: 'retry', job: jobs[1]!, statusCode: 503, error: 'HTTP 503', errorType: '503', at, nextAttemptAt: at + 1000 },
      { kind: 'dead', job: jobs[2]!, statusCode: 410, error: 'HTTP 410', errorType: '410', at },
    ];
    await store.recordDeliveryOutcomes('worker', outcomes);
    await store.listEvents(tenant.id, { limit: 10, before: 'e2' });
    await store.listDeliveries(tenant.id, { limit: 10, status: 'dead', before: 'dlv_z' });
    await store.replayDelivery(tenant.id, jobs[2]!.deliveryId);
    await store.replayDelivery(tenant.id, 'dlv_missing');
    const heartbeat = { instanceId: 'i', service: 'worker', host: 'h', version: '0', startedAt: at, lastSeenAt: at, intervalMs: 1000, ready: true, failingChecks: [] };
    await store.recordHeartbeat(heartbeat);
    await store.listHeartbeats();
    await store.pruneHeartbeats(at, 10);
    await store.removeHeartbeat('i');
    await store.ping();
    await queue.enqueue('ingest', [{ payload: '{}', receivedAt: at, traceContext: null }]);
    const [item] = await queue.claim('ingest', { limit: 1, leaseMs: 60_000, owner: 'worker' });
    await queue.retry('worker', item!.id, at, 'later');
    await queue.deadLetter('worker', item!.id, 'parked');
    await queue.release('worker', [item!.id]);
    await queue.ack('worker', [item!.id]);
    await queue.stats('delivery');
    await queue.ping();
  } finally {
    await driver.close();
    dir.remove();
  }
  const summaries = new Map<string, string>();
  for (const sql of sent) {
    const { summary, operation, collection } = summarizeSql(sql);
    summaries.set(summary, sql);
    assert.equal(operation, sql.trim().split(/\s/)[0], `the statement's own command: ${sql}`);
    const tables = new Set(summary.split(' ').filter((part) => !/^(SELECT|INSERT|UPDATE|DELETE)$/.test(part)));
    assert.equal(collection, tables.size === 1 ? [...tables][0] : undefined, `its table when it has one: ${sql}`);
  }
  assert.deepEqual([...summaries.keys()].sort(), [
    'DELETE console_sessions',
    'DELETE instance_heartbeats',
    'DELETE queue_items',
    'INSERT api_keys',
    'INSERT console_sessions',
    'INSERT deliveries',
    'INSERT destinations',
    'INSERT events',
    'INSERT instance_heartbeats',
    'INSERT queue_items',
    'INSERT tenants',
    'SELECT',
    'SELECT api_keys',
    'SELECT console_sessions api_keys',
    'SELECT deliveries',
    'SELECT deliveries events destinations',
    'SELECT destinations',
    'SELECT events',
    'SELECT events SELECT events',
    'SELECT instance_heartbeats',
    'SELECT queue_items',
    'SELECT tenants',
    'UPDATE api_keys',
    'UPDATE console_sessions',
    'UPDATE deliveries',
    'UPDATE destinations',
    'UPDATE events',
    'UPDATE queue_items',
    'UPDATE queue_items SELECT queue_items',
  ]);
});
