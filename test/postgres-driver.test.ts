// PostgreSQL errors that running the transaction again settles (a deadlock, a serialization
// failure) reach callers as retryable storage errors, as an outage does: ingest answers 503 with
// Retry-After instead of a 500, and the worker's fan-out parks nothing over them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openPostgresDriver } from '../src/storage/postgres-driver.ts';
import { StoreError } from '../src/storage/store-error.ts';
import { freshPostgresDatabase, postgresSkipReason } from './helpers/postgres.ts';

describe('the PostgreSQL driver', { skip: postgresSkipReason }, () => {
  test('of two transactions that deadlock, one fails as retryable and the other commits', { timeout: 30_000 }, async () => {
    const database = await freshPostgresDatabase();
    const driver = openPostgresDriver({ url: database.url, poolSize: 4, applicationName: 'lumetry-test' });
    try {
      await driver.script('CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counters VALUES (1, 0), (2, 0)');
      let holding = 0;
      let bothHold: () => void = () => {};
      const bothHolding = new Promise<void>((resolve) => (bothHold = resolve));
      // Each takes one row's lock, waits until the other holds the other row, then asks for it.
      const crossing = (first: number, second: number) =>
        driver.transaction(async (tx) => {
          await tx.execute('UPDATE counters SET n = n + 1 WHERE id = $1', [first]);
          if (++holding === 2) bothHold();
          await bothHolding;
          await tx.execute('UPDATE counters SET n = n + 1 WHERE id = $1', [second]);
        });
      const results = await Promise.allSettled([crossing(1, 2), crossing(2, 1)]);
      const failed = results.filter((r) => r.status === 'rejected');
      assert.equal(failed.length, 1, 'PostgreSQL broke the deadlock by ending one of them');
      const { reason } = failed[0] as PromiseRejectedResult;
      assert.ok(reason instanceof StoreError, `a StoreError, not ${String(reason)}`);
      assert.equal(reason.code, 'unavailable');
      assert.equal(reason.retryable, true);
      const rows = await driver.query('SELECT n FROM counters ORDER BY id');
      assert.deepEqual(rows.map((row) => Number(row.n)), [1, 1], 'only the surviving transaction was committed');
    } finally {
      await driver.close();
      await database.drop();
    }
  });
});
