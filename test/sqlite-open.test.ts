// Processes that open a new SQLite file together race to switch it to WAL; SQLite can answer
// "locked" at once. That must be a retryable storage error (start-up waits and tries again), not a
// crash: seen as a worker exiting 1 when three processes started on a fresh data directory.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadRuntime } from '../src/runtime/index.ts';
import { openSqliteDriver } from '../src/storage/sqlite-driver.ts';
import { StoreError } from '../src/storage/store-error.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('sqlite-open');
after(() => dir.remove());

test('a database locked while it is opened is a retryable error, and opens once the lock is gone', async () => {
  const runtime = await loadRuntime();
  const path = join(dir.path, 'lumetry.db');
  const holder = runtime.openSqlite(path);
  holder.exec('PRAGMA journal_mode = DELETE');
  holder.exec('BEGIN EXCLUSIVE');
  assert.throws(
    () => openSqliteDriver(runtime, { path, busyTimeoutMs: 0 }),
    (error: unknown) => error instanceof StoreError && error.retryable,
  );
  holder.exec('COMMIT');
  holder.close();
  const driver = openSqliteDriver(runtime, { path, busyTimeoutMs: 0 });
  assert.equal((await driver.query('PRAGMA journal_mode'))[0]?.journal_mode, 'wal');
  await driver.close();
});

// The same file, out of room: a full disk is an outage of the database, not a bad request, so
// ingest answers 503 with Retry-After and the worker parks nothing over it. The limit here is
// SQLite's own page cap on this connection, which fails a write exactly as a full disk does.
test('a database out of room is a retryable error, and what did not fit is not written', async () => {
  const runtime = await loadRuntime();
  const driver = openSqliteDriver(runtime, { path: join(dir.path, 'full.db'), busyTimeoutMs: 0 });
  await driver.execute('CREATE TABLE blobs (b BLOB NOT NULL)');
  const [{ page_count: pages }] = (await driver.query('PRAGMA page_count')) as [{ page_count: number }];
  await driver.query(`PRAGMA max_page_count = ${Number(pages) + 2}`);
  await assert.rejects(
    driver.execute('INSERT INTO blobs (b) VALUES (zeroblob(1000000))'),
    (error: unknown) => error instanceof StoreError && error.code === 'unavailable' && error.retryable,
  );
  assert.equal((await driver.query('SELECT COUNT(*) AS n FROM blobs'))[0]?.n, 0);
  await driver.close();
});
