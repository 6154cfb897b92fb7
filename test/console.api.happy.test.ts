// The console API and pages for one tenant: destinations created (secret shown once), changed and
// listed; events and deliveries listed newest first with paging; a dead letter replayed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createConsoleApp } from '../src/console/app.ts';
import { loginLimiter } from '../src/console/login-limiter.ts';
import { createApiKey } from '../src/tenancy.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';
import { sqliteStore } from './helpers/sqlite-store.ts';

let db: Awaited<ReturnType<typeof sqliteStore>>;
let app: ReturnType<typeof createConsoleApp>;
let key = '';
let tenantId = '';

before(async () => {
  db = await sqliteStore();
  tenantId = (await db.store.createTenant('acme')).id;
  key = (await createApiKey(db.store, tenantId, 'console')).secret;
  app = createConsoleApp({ store: db.store, queue: db.queue, logger: memoryLogger().logger, limiter: loginLimiter(5, 60_000), sessionTtlMs: 3_600_000, queueAgeWarningMs: 60_000 });
});
after(() => db.close());

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await app.request(path, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: (await response.json()) as T };
}

type DestinationBody = { destination: { id: string; name: string; url: string; eventTypes: string[]; enabled: boolean; signingSecret?: string }; signingSecret?: string };

test('a destination is created with its secret shown once, then changed and listed without it', async () => {
  const created = await call<DestinationBody>('POST', '/api/destinations', { url: 'https://hooks.acme.test/orders', eventTypes: ['order.*'] });
  assert.equal(created.status, 201);
  assert.match(created.body.signingSecret!, /^whsec_/);
  assert.equal(created.body.destination.signingSecret, undefined);
  assert.equal(created.body.destination.name, 'hooks.acme.test');
  const id = created.body.destination.id;

  const patched = await call<DestinationBody>('PATCH', `/api/destinations/${id}`, { name: 'orders', enabled: false });
  assert.deepEqual([patched.status, patched.body.destination.name, patched.body.destination.enabled, patched.body.destination.eventTypes], [200, 'orders', false, ['order.*']]);
  const listed = await call<{ destinations: DestinationBody['destination'][] }>('GET', '/api/destinations');
  assert.deepEqual(listed.body.destinations.map((d) => [d.id, d.name, d.enabled]), [[id, 'orders', false]]);
  assert.ok(!JSON.stringify(listed.body).includes(created.body.signingSecret!));
});

test('bad destination input is 422 with the field, and nothing changes', async () => {
  const bad = await call<{ error: { fields: { path: string; reason: string }[] } }>('POST', '/api/destinations', { url: 'gopher://old.test', eventTypes: [], colour: 'red' });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.error.fields.map((f) => f.path).sort(), ['colour', 'eventTypes', 'url']);
  const empty = await call<{ error: { fields: { reason: string }[] } }>('PATCH', `/api/destinations/${(await db.store.listDestinations(tenantId))[0]!.id}`, {});
  assert.equal(empty.status, 422);
  assert.equal((await db.store.listDestinations(tenantId)).length, 1);
});

test('events and deliveries are listed newest first, filtered and paged; a dead letter is replayed once', async () => {
  const destination = (await db.store.listDestinations(tenantId))[0]!;
  await db.store.updateDestination(tenantId, destination.id, { enabled: true, eventTypes: ['*'] });
  const events = Array.from({ length: 3 }, (_, n) => ({ id: `ev-${n}`, type: 'order.created', occurredAt: null, data: '{}' }));
  await db.store.acceptEvents(tenantId, events, { receivedAt: Date.now(), traceContext: null });
  await db.store.fanOut('w', await db.queue.claim('ingest', { limit: 10, leaseMs: 60_000, owner: 'w' }));
  const items = await db.queue.claim('delivery', { limit: 10, leaseMs: 60_000, owner: 'w' });
  const { jobs: [first, ...rest] } = await db.store.loadDeliveryJobs('w', items);
  await db.store.recordDeliveryOutcomes('w', [
    { kind: 'dead', job: first!, statusCode: 410, error: 'HTTP 410', errorType: '410', at: Date.now() },
    ...rest.map((job) => ({ kind: 'delivered' as const, job, statusCode: 200, at: Date.now() })),
  ]);

  const listedEvents = await call<{ events: { id: string }[] }>('GET', '/api/events?limit=2');
  assert.deepEqual(listedEvents.body.events.map((e) => e.id), ['ev-2', 'ev-1']);
  const older = await call<{ events: { id: string }[] }>('GET', '/api/events?limit=2&before=ev-1');
  assert.deepEqual(older.body.events.map((e) => e.id), ['ev-0']);
  assert.equal((await call('GET', '/api/events?limit=500')).status, 422);

  type Deliveries = { deliveries: { id: string; status: string; attempts: number; lastStatusCode: number | null; eventId: string }[] };
  const dead = await call<Deliveries>('GET', '/api/deliveries?status=dead');
  assert.deepEqual(dead.body.deliveries.map((d) => [d.eventId, d.status, d.attempts, d.lastStatusCode]), [[first!.event.id, 'dead', 1, 410]]);
  assert.equal((await call<Deliveries>('GET', '/api/deliveries')).body.deliveries.length, 3);

  const deadId = dead.body.deliveries[0]!.id;
  assert.equal((await call('POST', `/api/deliveries/${deadId}/replay`)).status, 202);
  assert.equal((await call('POST', `/api/deliveries/${deadId}/replay`)).status, 409, 'a pending delivery is not replayed again');
  assert.equal((await call('POST', '/api/deliveries/dlv_nope/replay')).status, 404);
  assert.equal((await db.queue.stats('delivery')).deadLettered, 0, 'the dead letter left the dead-letter count');
  const [again] = await db.queue.claim('delivery', { limit: 10, leaseMs: 60_000, owner: 'w2' });
  assert.equal(JSON.parse(again!.payload).deliveryId, deadId);
  const pending = await call<Deliveries>('GET', '/api/deliveries?status=pending');
  assert.deepEqual(pending.body.deliveries.map((d) => [d.id, d.attempts]), [[deadId, 0]]);
});

test('pages escape what tenants typed', async () => {
  await call('POST', '/api/destinations', { url: 'https://x.test/', name: '<img src=x onerror=alert(1)>' });
  const loginResponse = await app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key }).toString() });
  const cookie = loginResponse.headers.get('set-cookie')!.split(';')[0]!;
  const page = await app.request('/destinations', { headers: { cookie } });
  const html = await page.text();
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(!html.includes('<img src=x'));
  assert.match(page.headers.get('content-security-policy')!, /default-src 'none'/);
  assert.equal(page.headers.get('cache-control'), 'no-store');
});
