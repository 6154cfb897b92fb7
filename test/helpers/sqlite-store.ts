// A migrated store and queue on a fresh SQLite file, for tests that exercise code above storage.
import { join } from 'node:path';
import type { DurableQueue } from '../../src/queue/durable-queue.ts';
import { createSqlQueue } from '../../src/queue/sql-queue.ts';
import { loadRuntime } from '../../src/runtime/index.ts';
import { migrate } from '../../src/storage/migrate.ts';
import { createSqlStore } from '../../src/storage/sql-store.ts';
import { openSqliteDriver } from '../../src/storage/sqlite-driver.ts';
import type { Store } from '../../src/storage/store.ts';
import { tempDir } from './temp-dir.ts';

export async function sqliteStore(clock: () => number = Date.now): Promise<{ store: Store; queue: DurableQueue; close(): Promise<void> }> {
  const dir = tempDir('store');
  const driver = openSqliteDriver(await loadRuntime(), { path: join(dir.path, 'lumetry.db'), busyTimeoutMs: 5000 });
  await migrate(driver);
  return {
    store: createSqlStore(driver, clock),
    queue: createSqlQueue(driver, clock),
    close: async () => {
      await driver.close();
      dir.remove();
    },
  };
}
