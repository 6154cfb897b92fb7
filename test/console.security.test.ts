// The console's access rules: one tenant never sees or changes another's data; keys of the wrong
// scope are refused; sessions are HttpOnly, SameSite=Strict, Secure behind HTTPS, expire and can be
// revoked; cookie-authenticated changes need the CSRF token and a same-origin request; failed logins
// are rate-limited and logged without the key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createConsoleApp } from '../src/console/app.ts';
import { loginLimiter } from '../src/console/login-limiter.ts';
import { createApiKey } from '../src/tenancy.ts';
import { ecsProblems } from './helpers/ecs.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';
import { sqliteStore } from './helpers/sqlite-store.ts';

let db: Awaited<ReturnType<typeof sqliteStore>>;
let now = Date.now();
const log = memoryLogger();
let app: ReturnType<typeof createConsoleApp>;
const keys = { acme: '', globex: '', acmeIngest: '', acmeRevocable: '' };
let acmeDestination = '';

before(async () => {
  db = await sqliteStore(() => now);
  const acme = await db.store.createTenant('acme');
  const globex = await db.store.createTenant('globex');
  keys.acme = (await createApiKey(db.store, acme.id, 'console')).secret;
  keys.globex = (await createApiKey(db.store, globex.id, 'console')).secret;
  keys.acmeIngest = (await createApiKey(db.store, acme.id, 'ingest')).secret;
  keys.acmeRevocable = (await createApiKey(db.store, acme.id, 'console')).secret;
  app = createConsoleApp({ store: db.store, queue: db.queue, logger: log.logger, limiter: loginLimiter(5, 60_000, () => now), sessionTtlMs: 3_600_000, queueAgeWarningMs: 60_000, clock: () => now });
  const created = await api(keys.acme, 'POST', '/api/destinations', { url: 'https://hooks.acme.test/in', name: 'acme hooks' });
  acmeDestination = ((await created.json()) as { destination: { id: string } }).destination.id;
});
after(() => db.close());

const env = { remoteAddress: '203.0.113.7' };

function api(key: string, method: string, path: string, body?: unknown) {
  return app.request(path, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) }, env);
}

async function login(key: string, headers: Record<string, string> = {}, client: { remoteAddress?: string } = env) {
  return app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ key }).toString() }, client);
}

function cookieOf(response: Response): string {
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function csrfOf(cookie: string): Promise<string> {
  const html = await (await app.request('/destinations', { headers: { cookie } }, env)).text();
  return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
}

describe('tenant isolation', () => {
  test("another tenant cannot list, read or change a tenant's destination", async () => {
    const list = (await (await api(keys.globex, 'GET', '/api/destinations')).json()) as { destinations: unknown[] };
    assert.deepEqual(list.destinations, []);
    assert.equal((await api(keys.globex, 'GET', `/api/destinations/${acmeDestination}`)).status, 404);
    assert.equal((await api(keys.globex, 'PATCH', `/api/destinations/${acmeDestination}`, { enabled: false })).status, 404);
    const mine = (await (await api(keys.acme, 'GET', `/api/destinations/${acmeDestination}`)).json()) as { destination: { enabled: boolean } };
    assert.equal(mine.destination.enabled, true, 'unchanged');
  });

  test('an ingest key is 403 and no key is 401', async () => {
    assert.equal((await api(keys.acmeIngest, 'GET', '/api/destinations')).status, 403);
    const anonymous = await app.request('/api/destinations', {}, env);
    assert.equal(anonymous.status, 401);
    assert.equal((await app.request('/deliveries', {}, env)).headers.get('location'), '/login');
  });
});

describe('login and sessions', () => {
  test('the session cookie is HttpOnly, SameSite=Strict and path-wide; Secure with __Host- behind HTTPS', async () => {
    const plain = await login(keys.acme);
    assert.equal(plain.status, 303);
    assert.equal(plain.headers.get('location'), '/deliveries');
    const cookie = plain.headers.get('set-cookie')!;
    assert.match(cookie, /^lumetry_session=[A-Za-z0-9_-]{43}; Max-Age=3600; Path=\/; HttpOnly; SameSite=Strict$/);
    const secure = await login(keys.acme, { 'x-forwarded-proto': 'https' });
    assert.match(secure.headers.get('set-cookie')!, /^__Host-lumetry_session=[^;]+; Max-Age=3600; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
  });

  test('a session reads pages and the API; changes need its CSRF token and a same-origin request', async () => {
    const cookie = cookieOf(await login(keys.acme));
    assert.equal((await app.request('/deliveries', { headers: { cookie } }, env)).status, 200);
    assert.equal((await app.request('/api/destinations', { headers: { cookie } }, env)).status, 200);
    const csrf = await csrfOf(cookie);
    const post = (headers: Record<string, string>, form: Record<string, string>) =>
      app.request(`/destinations/${acmeDestination}/disable`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() }, env);
    assert.equal((await post({}, {})).status, 403, 'no token');
    assert.equal((await post({}, { csrf: 'x'.repeat(43) })).status, 403, 'wrong token');
    assert.equal((await post({ origin: 'https://evil.test' }, { csrf })).status, 403, 'cross-site origin');
    const jsonWithoutToken = await app.request(`/api/destinations/${acmeDestination}`, { method: 'PATCH', headers: { cookie, 'content-type': 'application/json' }, body: '{"enabled":false}' }, env);
    assert.equal(jsonWithoutToken.status, 403);
    assert.equal((await (await api(keys.acme, 'GET', `/api/destinations/${acmeDestination}`)).json() as { destination: { enabled: boolean } }).destination.enabled, true, 'nothing changed');
    const ok = await post({ origin: 'http://localhost' }, { csrf });
    assert.equal(ok.status, 303);
    assert.equal((await (await api(keys.acme, 'GET', `/api/destinations/${acmeDestination}`)).json() as { destination: { enabled: boolean } }).destination.enabled, false);
    await api(keys.acme, 'PATCH', `/api/destinations/${acmeDestination}`, { enabled: true });
  });

  test('logging out, revoking the key, or the session expiring ends the session', async () => {
    const first = cookieOf(await login(keys.acme));
    const csrf = await csrfOf(first);
    await app.request('/logout', { method: 'POST', headers: { cookie: first, 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}` }, env);
    assert.equal((await app.request('/deliveries', { headers: { cookie: first } }, env)).status, 303);

    const second = cookieOf(await login(keys.acmeRevocable));
    const revocable = (await db.store.listApiKeys((await db.store.findTenant('acme'))!.id)).find((k) => keys.acmeRevocable.startsWith(k.prefix));
    await db.store.revokeApiKey(revocable!.tenantId, revocable!.id);
    assert.equal((await app.request('/api/destinations', { headers: { cookie: second } }, env)).status, 401);

    const third = cookieOf(await login(keys.acme));
    now += 3_600_001;
    assert.equal((await app.request('/deliveries', { headers: { cookie: third } }, env)).status, 303);
  });

  test('failed logins are refused with the same answer, logged without the key, and rate-limited', async () => {
    const client = { remoteAddress: '198.51.100.9' };
    const wrong = ['lum_console_not-a-real-key-0000000000000000000000000', keys.acmeIngest, 'short'];
    for (const key of wrong) assert.equal((await login(key, {}, client)).status, 401);
    await login('lum_console_not-a-real-key-1111111111111111111111111', {}, client);
    await login('lum_console_not-a-real-key-2222222222222222222222222', {}, client);
    const limited = await login(keys.acme, {}, client);
    assert.equal(limited.status, 429, 'even the right key waits once the limit is reached');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal((await login(keys.acme)).status, 303, 'other clients are not affected');
    const logged = JSON.stringify(log.entries());
    assert.match(logged, /"message":"console login failed".*"ip":"198\.51\.100\.9"/);
    for (const key of wrong) assert.ok(!logged.includes(key), 'the submitted key is never logged');
    now += 60_001;
    assert.equal((await login(keys.acme, {}, client)).status, 303, 'the limit lifts when the failures age out');
  });

  test('a form body that cannot be read is refused with 400, not a 500 and an error event', async () => {
    const from = log.lines.length;
    const broken = { 'content-type': 'multipart/form-data; boundary=x' };
    const answer = await app.request('/login', { method: 'POST', headers: broken, body: 'garbage' }, { remoteAddress: '198.51.100.10' });
    assert.equal(answer.status, 400);
    assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'invalid_form');
    const cookie = cookieOf(await login(keys.acme));
    const page = await app.request('/destinations', { method: 'POST', headers: { ...broken, cookie }, body: 'garbage' }, env);
    assert.equal(page.status, 400, 'a page action after the session check, too');
    assert.deepEqual(log.entries().slice(from).filter((entry) => entry['log.level'] === 'error'), []);
  });

  test('a login from an unknown address is logged without client.ip, which Elasticsearch would refuse', async () => {
    const unknown = {};
    const from = log.lines.length;
    assert.equal((await login('lum_console_not-a-real-key-3333333333333333333333333', {}, unknown)).status, 401);
    assert.equal((await login(keys.acme, {}, unknown)).status, 303);
    const events = log.entries().slice(from).filter((entry) => String(entry.message).startsWith('console login'));
    assert.deepEqual(events.map((entry) => [entry.message, entry.client]), [['console login failed', undefined], ['console login', undefined]]);
    for (const entry of events) assert.deepEqual(ecsProblems(entry), [], `${entry.message} fits ECS`);
  });

  test('a login posted from another site is refused', async () => {
    assert.equal((await login(keys.acme, { origin: 'https://evil.test' })).status, 403);
  });
});
