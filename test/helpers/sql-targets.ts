// The databases a contract suite runs against: SQLite through this runtime's own binding
// (bun:sqlite under `bun test`, node:sqlite under `node --test`) and PostgreSQL when configured.
import { join } from 'node:path';
import { loadRuntime } from '../../src/runtime/index.ts';
import { openPostgresDriver } from '../../src/storage/postgres-driver.ts';
import type { SqlDriver } from '../../src/storage/sql.ts';
import { openSqliteDriver } from '../../src/storage/sqlite-driver.ts';
import { freshPostgresDatabase, postgresSkipReason } from './postgres.ts';
import { tempDir } from './temp-dir.ts';

export interface SqlTarget {
  readonly name: string;
  readonly skip: string | false;
  /** Makes an empty database; `connect` opens another connection (another "process") to it. */
  create(): Promise<TestDatabase>;
  /** The settings that point a Lumetry process at `database`. */
  settings(database: TestDatabase): Promise<Record<string, string>>;
}

export interface TestDatabase {
  connect(): Promise<SqlDriver>;
  destroy(): Promise<void>;
  readonly location: string;
}

export const sqlTargets: readonly SqlTarget[] = [
  {
    name: 'sqlite',
    skip: false,
    create: async () => {
      const dir = tempDir('sqlite');
      const runtime = await loadRuntime();
      return {
        location: dir.path,
        connect: async () => openSqliteDriver(runtime, { path: join(dir.path, 'lumetry.db'), busyTimeoutMs: 5000 }),
        destroy: async () => dir.remove(),
      };
    },
    settings: async (database) => ({ LUMETRY_DATA_DIR: database.location }),
  },
  {
    name: 'postgres',
    skip: postgresSkipReason,
    create: async () => {
      const database = await freshPostgresDatabase();
      return {
        location: database.url,
        connect: async () => openPostgresDriver({ url: database.url, poolSize: 4, applicationName: 'lumetry-test' }),
        destroy: () => database.drop(),
      };
    },
    settings: async (database) => ({ LUMETRY_DATABASE_URL: database.location }),
  },
];
