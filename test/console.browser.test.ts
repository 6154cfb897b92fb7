// The console in a real browser: log in with a console key, find a dead-lettered delivery and
// replay it, add a destination and read its secret once, disable it.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { launchBrowser } from './helpers/browser.ts';
import { chromiumSkip } from './helpers/tools.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { startReceiver } from './helpers/receiver.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { addDestination, cli, createTenant, ingest, startStack } from './helpers/stack.ts';

after(assertNoneRunning);

test('log in, replay a dead letter, add and disable a destination', { timeout: 120_000, skip: chromiumSkip }, async () => {
  const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
  const database = await sqlite.create();
  const receiver = await startReceiver();
  receiver.on('/gone', (_r, earlier) => new Response(null, { status: earlier.length === 0 ? 410 : 204 }));
  const browser = await launchBrowser();
  try {
    const env = { ...(await sqlite.settings(database)), LUMETRY_WORKER_IDLE_POLL_MS: '50' };
    const tenant = await createTenant(env, 'acme');
    const consoleKey = (await cli<{ secret: string }>(env, 'key', 'create', tenant.id, '--scope', 'console')).secret;
    await addDestination(env, tenant.id, `${receiver.url}/gone`, '--name', 'flaky partner');
    const stack = await startStack(env);
    try {
      await ingest(stack, tenant.ingestKey, [{ id: 'order-1', type: 'order.created', data: { total: 5 } }]);
      await receiver.until((got) => got.length === 1);

      const page = await browser.newPage();
      await page.goto(`${stack.url('console')}/deliveries`);
      assert.match(page.url(), /\/login$/, 'not logged in: sent to the login page');
      await page.fill('input[name="key"]', consoleKey);
      await page.click('button[type="submit"]');
      await page.waitForURL(/\/deliveries$/);

      await page.click('a[href="/deliveries?status=dead"]');
      await page.waitForSelector('td.status-dead');
      const row = page.locator('tr', { hasText: 'order-1' });
      assert.match(await row.innerText(), /flaky partner\s+dead\s+1\s+410\s+HTTP 410/);
      await row.locator('button', { hasText: 'Replay' }).click();
      await page.waitForSelector('p.notice');
      await receiver.until((got) => got.length === 2);
      assert.equal(receiver.received[1]!.headers['lumetry-event-id'], 'order-1');
      for (let i = 0; i < 50; i++) {
        await page.goto(`${stack.url('console')}/deliveries?status=delivered`);
        if ((await page.locator('tr', { hasText: 'order-1' }).count()) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.match(await page.locator('tr', { hasText: 'order-1' }).innerText(), /delivered\s+1\s+204/);

      await page.click('a[href="/destinations"]');
      await page.fill('input[name="url"]', 'https://hooks.partner.test/lumetry');
      await page.fill('input[name="name"]', 'partner');
      await page.click('fieldset button[type="submit"]');
      const secret = await page.locator('div.notice code').innerText();
      assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
      const partner = page.locator('tr', { hasText: 'hooks.partner.test' });
      await partner.locator('button', { hasText: 'Disable' }).click();
      await page.waitForURL(/\/destinations$/);
      assert.match(await page.locator('tr', { hasText: 'hooks.partner.test' }).innerText(), /disabled/);
      assert.ok(!(await page.content()).includes(secret), 'the secret is shown only once');
      await page.screenshot({ path: join(tmpdir(), 'lumetry-console-destinations.png'), fullPage: true });
    } finally {
      await stack.stop();
    }
  } finally {
    await browser.close();
    await receiver.close();
    await database.destroy();
  }
});
