// The System Health view on real processes: every instance from the heartbeats, queue figures that
// match the database, a killed worker shown as down within three heartbeats, and admin-only access;
// then the same in real Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SystemHealth } from '../src/console/system-health.ts';
import type { SqlDriver } from '../src/storage/sql.ts';
import { launchBrowser } from './helpers/browser.ts';
import { chromiumSkip } from './helpers/tools.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { type Receiver, startReceiver } from './helpers/receiver.ts';
import { sqlTargets, type TestDatabase } from './helpers/sql-targets.ts';
import { addDestination, cli, createTenant, ingest, type Stack, startStack } from './helpers/stack.ts';

const heartbeatMs = 1000;
const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
let database: TestDatabase;
let db: SqlDriver;
let receiver: Receiver;
let stack: Stack;
const keys = { admin: '', plain: '', ingest: '' };

before(async () => {
  database = await sqlite.create();
  db = await database.connect();
  receiver = await startReceiver();
  receiver.on('/gone', () => new Response(null, { status: 410 }));
  const env = { ...(await sqlite.settings(database)), LUMETRY_HEARTBEAT_INTERVAL_MS: String(heartbeatMs), LUMETRY_WORKER_IDLE_POLL_MS: '50' };
  const tenant = await createTenant(env, 'acme');
  keys.ingest = tenant.ingestKey;
  keys.admin = (await cli<{ secret: string }>(env, 'key', 'create', tenant.id, '--scope', 'console', '--admin')).secret;
  keys.plain = (await cli<{ secret: string }>(env, 'key', 'create', tenant.id, '--scope', 'console')).secret;
  await addDestination(env, tenant.id, `${receiver.url}/gone`);
  stack = await startStack(env);
  await ingest(stack, tenant.ingestKey, Array.from({ length: 5 }, (_, n) => ({ id: `dead-${n}`, type: 't', data: {} })));
  await receiver.until((got) => got.length === 5);
  for (let i = 0; i < 100 && Number((await db.query("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'dead'"))[0]!.n) < 5; i++) await new Promise((r) => setTimeout(r, 50));
});

after(async () => {
  await stack?.stop();
  await db?.close();
  await receiver?.close();
  await database?.destroy();
  assertNoneRunning();
});

async function view(key = keys.admin): Promise<{ status: number; body: SystemHealth }> {
  const response = await fetch(`${stack.url('console')}/api/system-health`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as SystemHealth };
}

describe('System Health', () => {
  test('shows every service ready and queue figures that match the database', async () => {
    const { status, body } = await view();
    assert.equal(status, 200);
    assert.deepEqual(body.services.map((s) => [s.name, s.status, s.instances.length, s.instances[0]?.status]), [
      ['ingest-api', 'ready', 1, 'ready'],
      ['console', 'ready', 1, 'ready'],
      ['worker', 'ready', 1, 'ready'],
    ]);
    const [dead] = await db.query("SELECT COUNT(*) AS n FROM queue_items WHERE queue = 'delivery' AND dead_lettered_at IS NOT NULL");
    assert.equal(body.deadLettered, Number(dead!.n));
    assert.equal(body.deadLettered, 5);
    assert.equal((await view(keys.plain)).status, 403, 'a console key without the admin role');
  });

  test('in Chromium: an admin sees every service and both queues, the killed worker turns down, a non-admin gets 403', { timeout: 60_000, skip: chromiumSkip }, async () => {
    const browser = await launchBrowser();
    try {
      const login = async (key: string) => {
        const page = await (await browser.newContext()).newPage();
        await page.goto(`${stack.url('console')}/login`);
        await page.fill('input[name="key"]', key);
        await page.click('button[type="submit"]');
        await page.waitForURL(/\/deliveries$/);
        return page;
      };
      const page = await login(keys.admin);
      await page.click('a[href="/system-health"]');
      const statuses = async () => Object.fromEntries(await page.locator('[data-service-status]').evaluateAll((nodes) => nodes.map((n) => [n.parentElement!.textContent!.trim().split(' ')[0], n.getAttribute('data-service-status')])));
      assert.deepEqual(await statuses(), { 'ingest-api': 'ready', console: 'ready', worker: 'ready' });
      assert.equal(await page.locator('tr[data-queue]').count(), 2);
      assert.equal(await page.locator('[data-dead-total]').innerText(), '5');
      assert.equal(await page.locator('tr[data-queue="delivery"] td.dead').innerText(), '5');

      const worker = stack.processes.get('worker')!;
      worker.child.kill('SIGKILL');
      await worker.exited;
      const killedAt = Date.now();
      await ingest(stack, keys.ingest, Array.from({ length: 7 }, (_, n) => ({ id: `waiting-${n}`, type: 't', data: {} })));
      // No reload here: the page refreshes itself every 5 seconds.
      await page.waitForSelector('td.health-down', { timeout: 15_000 });
      const shownDownAfter = Date.now() - killedAt;
      assert.ok(shownDownAfter <= 3 * heartbeatMs + 5_000 + 1_000, `down within three heartbeats plus one 5 s page refresh (${shownDownAfter} ms)`);
      assert.equal((await statuses()).worker, 'down');
      const [depth] = await db.query("SELECT COUNT(*) AS n FROM queue_items WHERE queue = 'ingest' AND dead_lettered_at IS NULL");
      assert.equal(Number(depth!.n), 7);
      assert.equal(await page.locator('tr[data-queue="ingest"] td.depth').innerText(), '7', 'the page matches the database');
      await page.screenshot({ path: `${(await import('node:os')).tmpdir()}/lumetry-system-health.png`, fullPage: true });

      const api = (await view()).body;
      assert.equal(api.services.find((s) => s.name === 'worker')!.instances[0]!.status, 'down');
      assert.equal(api.queues.find((q) => q.name === 'ingest')!.depth, 7);

      const plain = await login(keys.plain);
      const response = await plain.goto(`${stack.url('console')}/system-health`);
      assert.equal(response!.status(), 403);
      assert.equal(await plain.locator('a[href="/system-health"]').count(), 0, 'no link for a non-admin');
    } finally {
      await browser.close();
    }
  });
});

