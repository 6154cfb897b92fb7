// Another connection holding SQLite's write lock (an operator's VACUUM or sqlite3 shell, a backup
// tool) must delay writes, not stop the process: while Lumetry waits for the lock its event loop
// keeps running, so /livez, /metrics and requests that need no database are still answered, and an
// orchestrator does not restart a process for a database it was told never to consult for
// liveness. The lock is held here by a second connection in the test process itself, so a wait
// inside SQLite's own call would also stop the test's timers: such a test fails, it cannot hang.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadRuntime } from '../src/runtime/index.ts';
import { openSqliteDriver } from '../src/storage/sqlite-driver.ts';
import { StoreError } from '../src/storage/store-error.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { createTenant, startStack } from './helpers/stack.ts';
import { tempDir } from './helpers/temp-dir.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise's outcome as it stands, without waiting for it. */
function watch<T>(promise: Promise<T>) {
  const state = { settled: false };
  promise.then(
    () => void (state.settled = true),
    () => void (state.settled = true),
  );
  return state;
}

async function lockedDatabase(busyTimeoutMs: number) {
  const runtime = await loadRuntime();
  const dir = tempDir('sqlite-lock');
  const path = join(dir.path, 'lumetry.db');
  const driver = openSqliteDriver(runtime, { path, busyTimeoutMs });
  await driver.execute('CREATE TABLE items (n INTEGER NOT NULL)');
  const holder = runtime.openSqlite(path);
  holder.exec('BEGIN IMMEDIATE');
  return {
    driver,
    release: () => holder.exec('COMMIT'),
    count: async () => Number((await driver.query('SELECT COUNT(*) AS n FROM items'))[0]!.n),
    close: async () => {
      holder.close();
      await driver.close();
      dir.remove();
    },
  };
}

describe('the SQLite driver while another connection holds the write lock', () => {
  test('a write and a transaction wait on a timer, not in the call, and go through once the lock is released', async () => {
    const db = await lockedDatabase(20_000);
    try {
      const write = db.driver.execute('INSERT INTO items (n) VALUES (1)');
      const transaction = db.driver.transaction(async (tx) => tx.execute('INSERT INTO items (n) VALUES (2)'));
      const states = [watch(write), watch(transaction)];
      await pause(300);
      assert.deepEqual(
        states.map((s) => s.settled),
        [false, false],
        'this timer fired while both were still waiting for the lock',
      );
      db.release();
      assert.equal(await write, 1);
      assert.equal(await transaction, 1);
      assert.equal(await db.count(), 2);
    } finally {
      await db.close();
    }
  });

  test('a lock held past the busy timeout fails as storage unavailable and writes nothing', async () => {
    const db = await lockedDatabase(300);
    try {
      await assert.rejects(db.driver.execute('INSERT INTO items (n) VALUES (1)'), (error: unknown) => error instanceof StoreError && error.code === 'unavailable' && error.retryable);
      await assert.rejects(db.driver.transaction(async (tx) => tx.execute('INSERT INTO items (n) VALUES (2)')), (error: unknown) => error instanceof StoreError && error.code === 'unavailable');
      db.release();
      assert.equal(await db.count(), 0);
      assert.equal(await db.driver.execute('INSERT INTO items (n) VALUES (3)'), 1, 'the driver works again once the lock is gone');
    } finally {
      await db.close();
    }
  });
});

describe('a running Lumetry while another connection holds the write lock', () => {
  after(assertNoneRunning);

  test('every process still answers /livez and /metrics, and an event posted meanwhile is accepted once the lock is released', { timeout: 120_000 }, async () => {
    const runtime = await loadRuntime();
    const dir = tempDir('sqlite-lock-stack');
    const env = { LUMETRY_DATA_DIR: dir.path, LUMETRY_SQLITE_BUSY_TIMEOUT_MS: '60000' };
    const tenant = await createTenant(env, 'acme');
    const stack = await startStack(env);
    const holder = runtime.openSqlite(join(dir.path, 'lumetry.db'));
    try {
      // Lumetry's own processes take the lock too, briefly: the test's connection waits its turn.
      holder.exec('PRAGMA busy_timeout = 5000');
      holder.exec('BEGIN IMMEDIATE');
      const posted = fetch(`${stack.url('ingest-api')}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: [{ id: 'while-locked', type: 'order.created', data: {} }] }),
      });
      const post = watch(posted);
      await pause(300);
      for (const service of ['ingest-api', 'console', 'worker'] as const) {
        for (const path of ['/livez', '/metrics']) {
          const response = await fetch(`${stack.url(service)}${path}`, { signal: AbortSignal.timeout(10_000) });
          assert.equal(response.status, 200, `${service} ${path} while the database is locked`);
        }
      }
      assert.equal(post.settled, false, 'the event waits for the lock');
      holder.exec('COMMIT');
      const response = await posted;
      assert.equal(response.status, 202, await response.clone().text());
      const stored = holder.prepare("SELECT COUNT(*) AS n FROM events WHERE tenant_id = ? AND id = 'while-locked'").get(tenant.id);
      assert.equal(Number(stored?.n), 1);
      const queueDepth = async () => /^lumetry_queue_depth\{/m.test(await (await fetch(`${stack.url('worker')}/metrics`)).text());
      for (let i = 0; i < 100 && !(await queueDepth()); i++) await pause(100);
      assert.ok(await queueDepth(), 'the queue gauges, left out while the database was locked, are back');
    } finally {
      holder.close();
      await stack.stop();
      dir.remove();
    }
  });
});
