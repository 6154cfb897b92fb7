// POST /v1/events, refused cases: each gets its documented status and error body, and nothing is
// stored or queued. Storage that cannot be reached answers 503 with Retry-After.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../src/http/create-app.ts';
import { ingestRoutes } from '../src/ingest/routes.ts';
import { createSqlStore } from '../src/storage/sql-store.ts';
import { openPostgresDriver } from '../src/storage/postgres-driver.ts';
import { createApiKey } from '../src/tenancy.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';
import { sqliteStore } from './helpers/sqlite-store.ts';

let db: Awaited<ReturnType<typeof sqliteStore>>;
let app: ReturnType<typeof createApp>;
let key: string;
let consoleKey: string;
let revokedKey: string;

before(async () => {
  db = await sqliteStore();
  const tenant = await db.store.createTenant('acme');
  key = (await createApiKey(db.store, tenant.id, 'ingest')).secret;
  consoleKey = (await createApiKey(db.store, tenant.id, 'console')).secret;
  const revoked = await createApiKey(db.store, tenant.id, 'ingest');
  await db.store.revokeApiKey(tenant.id, revoked.key.id);
  revokedKey = revoked.secret;
  app = createApp(memoryLogger().logger).route('/', ingestRoutes(db.store));
});
after(() => db.close());

interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; reason: string }[] };
  requestId: string;
}

async function refused(init: { body?: BodyInit; headers?: Record<string, string> }, status: number, code: string): Promise<ErrorBody> {
  const response = await app.request('/v1/events', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
    body: init.body ?? '{}',
    duplex: 'half',
  } as RequestInit);
  assert.equal(response.status, status);
  const body = (await response.json()) as ErrorBody;
  assert.equal(body.error.code, code);
  assert.equal(body.requestId, response.headers.get('x-request-id'));
  assert.deepEqual(await db.queue.stats('ingest'), { depth: 0, inFlight: 0, deadLettered: 0, oldestAgeMs: 0 }, 'nothing was queued');
  return body;
}

const event = { type: 'order.created', data: { total: 1 } };

describe('bad bodies', () => {
  test('malformed JSON is 400 invalid_json', async () => {
    await refused({ body: '{"type": "t", "data": {' }, 400, 'invalid_json');
  });

  test('wrong types are 422 with the path and reason of each', async () => {
    const body = await refused({ body: JSON.stringify({ events: [event, { type: 7, data: [] }, { type: 'ok', data: {}, timestamp: 'yesterday' }] }) }, 422, 'validation_failed');
    assert.deepEqual(body.error.fields, [
      { path: 'events[1].type', reason: 'must be a string' },
      { path: 'events[1].data', reason: 'must be a JSON object' },
      { path: 'events[2].timestamp', reason: 'must be an ISO 8601 date and time with a time zone, such as 2026-11-24T10:00:00Z' },
    ]);
  });

  test('unknown fields are named', async () => {
    const body = await refused({ body: JSON.stringify({ ...event, payload: {} }) }, 422, 'validation_failed');
    assert.deepEqual(body.error.fields, [{ path: 'payload', reason: 'unknown field' }]);
  });

  test('more than 500 events, or none, is 422', async () => {
    const many = await refused({ body: JSON.stringify({ events: Array.from({ length: 501 }, () => event) }) }, 422, 'validation_failed');
    assert.deepEqual(many.error.fields, [{ path: 'events', reason: 'must hold at most 500 events' }]);
    await refused({ body: JSON.stringify({ events: [] }) }, 422, 'validation_failed');
  });

  test('an oversize body is 413, whether it declares its length or streams', async () => {
    const big = JSON.stringify({ ...event, data: { blob: 'x'.repeat(1024 * 1024) } });
    await refused({ body: big }, 413, 'payload_too_large');
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(64 * 1024)));
        controller.close();
      },
    });
    await refused({ body: stream }, 413, 'payload_too_large');
  });

  test('a timestamp that is not a real instant is 422, on every store alike', async () => {
    for (const timestamp of ['2026-11-24T10:00:00+01', '2026-02-30T10:00:00Z', '2026-11-24']) {
      const body = await refused({ body: JSON.stringify({ ...event, timestamp }) }, 422, 'validation_failed');
      assert.deepEqual(body.error.fields?.map((f) => f.path), ['timestamp'], timestamp);
    }
  });

  test('an oversize data object or id is 422', async () => {
    const body = await refused({ body: JSON.stringify({ id: 'x'.repeat(201), type: 't', data: { blob: 'y'.repeat(300 * 1024) } }) }, 422, 'validation_failed');
    assert.deepEqual(body.error.fields?.map((f) => f.path), ['id', 'data']);
  });

  test('a content type other than JSON is 415', async () => {
    await refused({ body: JSON.stringify(event), headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type');
    await refused({ body: JSON.stringify(event), headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type');
  });
});

describe('keys', () => {
  for (const [name, authorization] of [
    ['a missing key', ''],
    ['an unknown key', 'Bearer lum_ingest_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a malformed header', 'Basic dXNlcjpwYXNz'],
  ] as const) {
    test(`${name} is 401 with a challenge`, async () => {
      const response = await app.request('/v1/events', { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(event) });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer');
      assert.deepEqual(((await response.json()) as ErrorBody).error, { code: 'unauthorized', message: 'a valid API key is required' });
    });
  }

  test('a revoked key gets the same 401 as an unknown one', async () => {
    const body = await refused({ body: JSON.stringify(event), headers: { authorization: `Bearer ${revokedKey}` } }, 401, 'unauthorized');
    assert.equal(body.error.message, 'a valid API key is required');
  });

  test('a console key is 403', async () => {
    await refused({ body: JSON.stringify(event), headers: { authorization: `Bearer ${consoleKey}` } }, 403, 'forbidden');
  });

  test('the key is checked before the body is read', async () => {
    const response = await app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'not json' });
    assert.equal(response.status, 401);
  });
});

test('storage that cannot be reached is 503 with Retry-After, and the reason stays in the log', { timeout: 30_000 }, async () => {
  const { logger, entries } = memoryLogger();
  // Nothing listens on port 1: a real connection refusal.
  const unreachable = createSqlStore(openPostgresDriver({ url: 'postgres://lumetry:hunter2@127.0.0.1:1/none', poolSize: 1, applicationName: 'test' }));
  try {
    const down = createApp(logger).route('/', ingestRoutes(unreachable));
    const response = await down.request('/v1/events', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(event) });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
    const text = await response.text();
    assert.match(text, /"code":"unavailable"/);
    assert.doesNotMatch(text, /ECONNREFUSED|127\.0\.0\.1/);
    assert.ok(entries().some((e) => e.message === 'storage unavailable: request refused'));
    assert.doesNotMatch(JSON.stringify(entries()), /hunter2/);
  } finally {
    await unreachable.close();
  }
});
