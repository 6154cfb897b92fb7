// Opens the configured store and brings its schema up to date: PostgreSQL when a database URL is
// set, otherwise the embedded SQLite file in the data directory. Given a tracer (traces on), the
// store and the queue run over a traced driver (a span per statement) and the store's calls get
// spans of their own (a span per operation); without one, nothing is wrapped.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import type { Config } from '../config/config.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';
import { createSqlQueue } from '../queue/sql-queue.ts';
import type { Runtime } from '../runtime/index.ts';
import { migrate, type MigrationResult } from './migrate.ts';
import { openPostgresDriver } from './postgres-driver.ts';
import type { SqlDriver } from './sql.ts';
import { createSqlStore } from './sql-store.ts';
import { openSqliteDriver } from './sqlite-driver.ts';
import type { Store } from './store.ts';
import { databaseAttributes, tracedDriver } from './traced-driver.ts';
import { tracedStore } from './traced-store.ts';

export const sqliteFileName = 'lumetry.db';

export interface OpenedStore {
  readonly store: Store;
  readonly queue: DurableQueue;
  readonly migrations: MigrationResult;
}

export async function openStore(config: Config, runtime: Runtime, applicationName: string, tracer?: Tracer): Promise<OpenedStore> {
  const driver = openDriver(config, runtime, applicationName);
  try {
    const migrations = await migrate(driver);
    if (tracer === undefined) return { store: createSqlStore(driver), queue: createSqlQueue(driver), migrations };
    const traced = tracedDriver(driver, tracer, databaseAttributes(config.database.url));
    return { store: tracedStore(createSqlStore(traced), tracer), queue: createSqlQueue(traced), migrations };
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}

function openDriver(config: Config, runtime: Runtime, applicationName: string): SqlDriver {
  if (config.database.url !== undefined) {
    return openPostgresDriver({ url: config.database.url, poolSize: config.database.poolSize, applicationName });
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return openSqliteDriver(runtime, { path: join(config.dataDir, sqliteFileName), busyTimeoutMs: config.database.sqliteBusyTimeoutMs });
}
