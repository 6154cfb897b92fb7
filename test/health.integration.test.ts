// Health of real processes: a database outage fails readiness (never liveness) within the check
// timeout and heals without a restart; start-up waits for a database that is not there yet; and
// after SIGTERM readiness fails while requests in flight still complete.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, test } from 'node:test';
import { freshPostgresDatabase, postgresSkipReason } from './helpers/postgres.ts';
import { assertNoneRunning, cleanEnv, type Started, start } from './helpers/processes.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { createTenant, waitUntilReady } from './helpers/stack.ts';
import { type ProxyMode, startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';
import { tempDir } from './helpers/temp-dir.ts';
import { until } from './helpers/until.ts';

after(assertNoneRunning);

const probeEnv = { LUMETRY_INGEST_API_PORT: '0', LUMETRY_HEALTH_CHECK_TIMEOUT_MS: '500', LUMETRY_HEALTH_CHECK_CACHE_MS: '0' };

async function get(url: string) {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

/** Runs `body` against an ingest-api whose PostgreSQL connection goes through a switchable relay, then checks it stops cleanly. */
async function withRelayedIngestApi(mode: ProxyMode, body: (ctx: { api: Started; base: string; proxy: TcpProxy; url: string }) => Promise<void>): Promise<void> {
  const database = await freshPostgresDatabase();
  const target = new URL(database.url);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432), mode);
  target.port = String(proxy.port);
  const url = target.toString();
  const api = start('src/main/ingest-api', [], cleanEnv({ ...probeEnv, LUMETRY_DATABASE_URL: url }));
  try {
    const entry = await api.waitForLog((e) => e.message === 'listening');
    await body({ api, base: `http://127.0.0.1:${(entry.server as { port: number }).port}`, proxy, url });
    api.child.kill('SIGTERM');
    assert.equal((await api.exited).code, 0);
  } finally {
    api.child.kill('SIGKILL');
    await proxy.close();
    await database.drop();
  }
}

describe('a PostgreSQL outage', { skip: postgresSkipReason }, () => {
  test('fails /readyz (not /livez) within the check timeout, even when the database hangs, and heals without a restart', { timeout: 90_000 }, () =>
    withRelayedIngestApi('pass', async ({ api, base, proxy, url }) => {
      await waitUntilReady(base);

      proxy.set('refuse');
      await until('/readyz fails', async () => (await get(`${base}/readyz`)).status === 503);
      const down = await get(`${base}/readyz`);
      assert.match(down.body, /^\[-\]storage failed: reason withheld$/m);
      assert.match(down.body, /^\[-\]messaging failed: reason withheld$/m);
      assert.match(down.body, /readyz check failed\n$/);
      assert.deepEqual(await get(`${base}/livez`), { status: 200, body: 'ok' });

      proxy.set('blackhole');
      const hung = await get(`${base}/readyz?verbose`);
      assert.equal(hung.status, 503, 'a hung database fails the probe instead of hanging it');
      assert.deepEqual(await get(`${base}/livez`), { status: 200, body: 'ok' });

      proxy.set('pass');
      await until('/readyz passes again', async () => (await get(`${base}/readyz`)).status === 200, 30_000);
      assert.ok(api.stdout.some((l) => l.includes('"message":"health check failing"')));
      assert.ok(!api.stdout.join('\n').includes(new URL(url).password || 'no-password-set'), 'no credential in the log');
    }));

  test('start-up waits for a database that is not there yet; /startupz names what is missing', { timeout: 90_000 }, () =>
    withRelayedIngestApi('refuse', async ({ api, base, proxy }) => {
      await api.waitForLog((e) => String(e.message).startsWith('storage is not reachable yet'));
      const startup = await get(`${base}/startupz?verbose`);
      assert.equal(startup.status, 503);
      assert.equal(startup.body, '[+]telemetry ok\n[-]migrations failed: reason withheld\n[+]listener ok\nstartupz check failed\n');
      assert.equal((await get(`${base}/livez`)).status, 200);
      assert.match((await get(`${base}/readyz?verbose`)).body, /\[-\]startup failed/);
      const early = await fetch(`${base}/v1/events`, { method: 'POST' });
      assert.deepEqual([early.status, early.headers.get('retry-after')], [503, '5']);

      proxy.set('pass');
      await until('/startupz passes', async () => (await get(`${base}/startupz`)).status === 200, 40_000);
      await waitUntilReady(base);
    }));
});

test('after SIGTERM /readyz fails at once while a request in flight still completes', { timeout: 60_000 }, async () => {
  const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
  const database = await sqlite.create();
  try {
    const settings = await sqlite.settings(database);
    const tenant = await createTenant(settings, 'acme');
    const api = start('src/main/ingest-api', [], cleanEnv({ ...settings, ...probeEnv, LUMETRY_SHUTDOWN_DELAY_MS: '2000' }));
    const entry = await api.waitForLog((e) => e.message === 'listening');
    const port = (entry.server as { port: number }).port;
    await waitUntilReady(`http://127.0.0.1:${port}`);

    const slow = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/events', headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' } });
    const answered = new Promise<number>((resolve, reject) => {
      slow.on('response', (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      slow.on('error', reject);
    });
    slow.write('{"id":"in-flight","type":"t",');
    await new Promise((resolve) => setTimeout(resolve, 200));

    api.child.kill('SIGTERM');
    await api.waitForLog((e) => e.message === 'stop signal received: shutting down');
    const ready = await get(`http://127.0.0.1:${port}/readyz?verbose`);
    assert.equal(ready.status, 503);
    assert.match(ready.body, /^\[-\]shutdown failed: reason withheld$/m);

    slow.end('"data":{}}');
    assert.equal(await answered, 202, 'the request in flight completed');
    assert.equal((await api.exited).code, 0);
  } finally {
    await database.destroy();
  }
});

test('an event loop that stalled fails /livez and /readyz alike, then both pass again without a restart', { timeout: 60_000, skip: process.platform === 'win32' && 'SIGSTOP' }, async () => {
  const dir = tempDir('event-loop-stall');
  const api = start('src/main/ingest-api', [], cleanEnv({ ...probeEnv, LUMETRY_DATA_DIR: dir.path, LUMETRY_LIVENESS_MAX_EVENT_LOOP_DELAY_MS: '300' }));
  try {
    const entry = await api.waitForLog((e) => e.message === 'listening');
    const base = `http://127.0.0.1:${(entry.server as { port: number }).port}`;
    await waitUntilReady(base);
    // Stopped, the process runs no JavaScript at all: as a runaway loop or a blocked call would hold it.
    api.child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    api.child.kill('SIGCONT');
    const live = await get(`${base}/livez?verbose`);
    const ready = await get(`${base}/readyz?verbose`);
    assert.equal(live.status, 503, live.body);
    assert.equal(ready.status, 503, ready.body);
    assert.match(ready.body, /^\[-\]event-loop failed: reason withheld$/m);
    assert.match(ready.body, /^\[\+\]storage ok$/m, 'its dependencies are fine');
    await until('/readyz passes again once the stall leaves the 10 s window', async () => (await get(`${base}/readyz`)).status === 200, 20_000);
    assert.equal((await get(`${base}/livez`)).status, 200);
    api.child.kill('SIGTERM');
    assert.equal((await api.exited).code, 0);
  } finally {
    api.child.kill('SIGKILL');
    dir.remove();
  }
});
