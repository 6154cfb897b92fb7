// POST /v1/events, accepted cases: single events and batches are stored with their queue items
// before the 202, repeated ids are reported as duplicates, and request and trace ids carry through.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../src/http/create-app.ts';
import { ingestRoutes } from '../src/ingest/routes.ts';
import { createApiKey } from '../src/tenancy.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';
import { sqliteStore } from './helpers/sqlite-store.ts';

let db: Awaited<ReturnType<typeof sqliteStore>>;
let app: ReturnType<typeof createApp>;
let key: string;

before(async () => {
  db = await sqliteStore();
  const tenant = await db.store.createTenant('acme');
  key = (await createApiKey(db.store, tenant.id, 'ingest')).secret;
  app = createApp(memoryLogger().logger).route('/', ingestRoutes(db.store));
});
after(() => db.close());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  app.request('/v1/events', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

test('one event is accepted with a generated id and queued for the worker', async () => {
  const response = await post({ type: 'order.created', timestamp: '2026-11-24T10:00:00Z', data: { total: 42 } });
  assert.equal(response.status, 202);
  const body = (await response.json()) as { accepted: string[]; duplicates: string[]; requestId: string };
  assert.match(body.accepted[0]!, /^evt_[0-9A-Z]{26}$/);
  assert.deepEqual(body.duplicates, []);
  assert.equal(response.headers.get('x-request-id'), body.requestId);
  const [item] = await db.queue.claim('ingest', { limit: 10, leaseMs: 1000, owner: 't' });
  assert.deepEqual(JSON.parse(item!.payload).eventId, body.accepted[0]);
  await db.queue.ack('t', [item!.id]);
});

test('a batch is accepted whole; ids repeated in it or seen before are duplicates, queued once', async () => {
  const first = await post({ events: [{ id: 'a-1', type: 't', data: {} }] });
  assert.equal(first.status, 202);
  const response = await post({
    events: [
      { id: 'a-1', type: 't', data: {} },
      { id: 'a-2', type: 't', data: { nested: { list: [1, 2] } } },
      { id: 'a-2', type: 't', data: {} },
      { id: 'a-3', type: 't', data: {} },
    ],
  });
  assert.equal(response.status, 202);
  const body = (await response.json()) as { accepted: string[]; duplicates: string[] };
  assert.deepEqual(body.accepted, ['a-2', 'a-3']);
  assert.deepEqual(body.duplicates.sort(), ['a-1', 'a-2']);
  const items = await db.queue.claim('ingest', { limit: 10, leaseMs: 1000, owner: 't' });
  assert.deepEqual(items.map((i) => JSON.parse(i.payload).eventId), ['a-1', 'a-2', 'a-3']);
  await db.queue.ack('t', items.map((i) => i.id));
});

test('an id repeated within a batch keeps its first copy, as a repeat across requests does', async () => {
  const response = await post({ events: [{ id: 'twice', type: 'order.created', data: {} }, { id: 'twice', type: 'order.cancelled', data: {} }] });
  assert.deepEqual(await response.json().then((b) => (b as { accepted: string[]; duplicates: string[] }).duplicates), ['twice']);
  const [stored] = await db.store.listEvents((await db.store.findTenant('acme'))!.id, { limit: 1 });
  assert.deepEqual([stored!.id, stored!.type], ['twice', 'order.created']);
  const items = await db.queue.claim('ingest', { limit: 10, leaseMs: 1000, owner: 't' });
  await db.queue.ack('t', items.map((i) => i.id));
});

test('a valid traceparent is kept with the queue item; a malformed one is dropped', async () => {
  const trace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  await post({ id: 'tr-1', type: 't', data: {} }, { traceparent: trace });
  await post({ id: 'tr-2', type: 't', data: {} }, { traceparent: '00-zz-bad-01' });
  const items = await db.queue.claim('ingest', { limit: 10, leaseMs: 1000, owner: 't' });
  assert.deepEqual(items.map((i) => i.traceContext), [trace, null]);
  await db.queue.ack('t', items.map((i) => i.id));
});

test('a sane X-Request-Id is echoed; anything else is replaced', async () => {
  const kept = await post({ type: 't', data: {} }, { 'x-request-id': 'lb-7f3a.1' });
  assert.equal(kept.headers.get('x-request-id'), 'lb-7f3a.1');
  const replaced = await post({ type: 't', data: {} }, { 'x-request-id': 'has spaces <script>' });
  const another = await post({ type: 't', data: {} });
  assert.match(replaced.headers.get('x-request-id')!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-z]+$/);
  assert.notEqual(another.headers.get('x-request-id'), replaced.headers.get('x-request-id'), 'each request gets its own id');
});
