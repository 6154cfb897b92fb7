// The health endpoints' wording, statuses and headers (Kubernetes API-server semantics), checks that
// time out instead of hanging, results that are reused instead of re-run, and the event-loop check.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { guarded, type HealthCheck } from '../health/check.ts';
import { monitorEventLoop } from '../health/event-loop.ts';
import { createHealth } from '../health/health.ts';
import { healthRoutes } from '../health/routes.ts';
import { createApp } from '../src/http/create-app.ts';
import { ecsProblems } from './helpers/ecs.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';

const failures = new Map<string, Error>();
const check = (name: string): HealthCheck => ({
  name,
  run: async () => {
    const error = failures.get(name);
    if (error) throw error;
  },
});
const log = memoryLogger();
const health = createHealth({ livez: [check('event-loop')], startupz: [check('migrations')], readyz: [check('storage'), check('messaging'), check('shutdown')] }, log.logger);
const app = new Hono().route('/', healthRoutes(health));

async function probe(path: string, method = 'GET') {
  const response = await app.request(path, { method });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

describe('healthy', () => {
  test('each endpoint answers 200 "ok" as uncached plain text', async () => {
    for (const path of ['/livez', '/startupz', '/readyz', '/healthz']) {
      const answer = await probe(path);
      assert.deepEqual([answer.status, answer.body], [200, 'ok'], path);
      assert.equal(answer.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(answer.headers.get('cache-control'), 'no-store');
    }
  });

  test('?verbose lists every check and closes with "check passed"', async () => {
    assert.equal((await probe('/readyz?verbose')).body, '[+]storage ok\n[+]messaging ok\n[+]shutdown ok\nreadyz check passed\n');
    assert.equal((await probe('/healthz?verbose')).body, '[+]event-loop ok\nhealthz check passed\n');
  });

  test('HEAD answers with the status, no body, and the length GET would send', async () => {
    // As every process serves them: the app's HEAD handling is createApp's, for every route.
    const served = createApp(memoryLogger().logger, { health });
    for (const path of ['/readyz', '/readyz?verbose']) {
      const answer = await served.request(path, { method: 'HEAD' });
      assert.deepEqual([answer.status, await answer.text()], [200, ''], path);
      assert.equal(answer.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(answer.headers.get('content-length'), String(Buffer.byteLength((await probe(path)).body)), path);
    }
  });
});

describe('failing', () => {
  test('a failing check is 503, named, its reason withheld, and logged once with the reason', async () => {
    failures.set('storage', new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
    try {
      for (const path of ['/readyz', '/readyz?verbose']) {
        const answer = await probe(path);
        assert.equal(answer.status, 503);
        assert.equal(answer.body, '[-]storage failed: reason withheld\n[+]messaging ok\n[+]shutdown ok\nreadyz check failed\n');
      }
      const logged = log.entries().filter((e) => e.message === 'health check failing');
      assert.equal(logged.length, 1, 'logged when it starts failing, not on every probe');
      assert.match(JSON.stringify(logged[0]), /ECONNREFUSED/);
      assert.equal((await probe('/livez')).status, 200, 'liveness does not look at storage');
    } finally {
      failures.clear();
    }
    assert.equal((await probe('/readyz')).status, 200);
    assert.ok(log.entries().some((e) => e.message === 'health check passing again'));
    for (const entry of log.entries().filter((e) => String(e.message).startsWith('health check'))) assert.deepEqual(ecsProblems(entry), [], `${entry.message} fits ECS and the documented lumetry.* fields`);
  });

  test('?exclude skips a check and says so; an unknown name gets a warning line', async () => {
    failures.set('messaging', new Error('down'));
    try {
      assert.deepEqual([(await probe('/readyz?exclude=messaging')).status, (await probe('/readyz?exclude=messaging')).body], [200, 'ok']);
      assert.equal(
        (await probe('/readyz?verbose&exclude=messaging&exclude=zz&exclude=nope&exclude=zz')).body,
        '[+]storage ok\n[+]messaging excluded: ok\n[+]shutdown ok\nwarn: some health checks cannot be excluded: no matches for "nope","zz"\nreadyz check passed\n',
      );
    } finally {
      failures.clear();
    }
  });

  test('/readyz/<name> runs one check; an unknown name is 404', async () => {
    failures.set('messaging', new Error('down'));
    try {
      assert.deepEqual(Object.values(await probe('/readyz/storage')).slice(0, 2), [200, 'ok']);
      assert.deepEqual(Object.values(await probe('/readyz/messaging')).slice(0, 2), [503, '[-]messaging failed: reason withheld\n']);
      assert.equal((await probe('/readyz/nope')).status, 404);
    } finally {
      failures.clear();
    }
  });
});

describe('guarded checks', () => {
  test('a check that hangs fails at its timeout instead of hanging the probe', async () => {
    const hung = guarded({ name: 'storage', run: () => new Promise(() => {}) }, { timeoutMs: 100, cacheMs: 0 });
    await assert.rejects(hung.run(), /storage did not answer within 100 ms/);
  });

  test('a result is reused within the cache time, and concurrent probes share one run', async () => {
    let now = 0;
    let runs = 0;
    const counted = guarded({ name: 'storage', run: async () => void runs++ }, { timeoutMs: 1000, cacheMs: 1000, clock: () => now });
    await Promise.all([counted.run(), counted.run(), counted.run()]);
    now = 999;
    await counted.run();
    assert.equal(runs, 1);
    now = 1000;
    await counted.run();
    assert.equal(runs, 2);
  });
});

test('liveness fails after the event loop was blocked past the threshold, and recovers after the window', { timeout: 10_000 }, async () => {
  const monitor = monitorEventLoop({ maxDelayMs: 150, intervalMs: 20, windowMs: 600 });
  try {
    await new Promise((resolve) => setTimeout(resolve, 60));
    await monitor.check.run();
    const until = Date.now() + 400;
    while (Date.now() < until) {
      // deliberately block the event loop
    }
    await new Promise((resolve) => setTimeout(resolve, 40));
    await assert.rejects(monitor.check.run(), /the event loop was blocked for \d+ ms \(threshold 150 ms\)/);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await monitor.check.run();
  } finally {
    monitor.stop();
  }
});
