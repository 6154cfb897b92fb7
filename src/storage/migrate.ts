// Applies pending migrations at start-up. Safe when several processes start at once: everything runs
// in one transaction that first takes the database's migration lock (a PostgreSQL advisory lock; on
// SQLite the write lock that BEGIN IMMEDIATE takes), so the others wait and then find nothing to do.
import { type Migration, migrations as all } from './migrations/index.ts';
import type { SqlDriver } from './sql.ts';

// An arbitrary constant that names "Lumetry schema migrations" among advisory locks.
const advisoryLockId = 7_348_201_955;

export interface MigrationResult {
  readonly applied: readonly number[];
  readonly version: number;
}

export function migrate(driver: SqlDriver, migrations: readonly Migration[] = all): Promise<MigrationResult> {
  return driver.transaction(async (tx) => {
    if (driver.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [advisoryLockId]);
    await tx.script(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const rows = await tx.query('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => Number(row.version)));
    const known = new Set(migrations.map((migration) => migration.version));
    const unknown = [...done].filter((version) => !known.has(version));
    if (unknown.length > 0) {
      throw new Error(`the database has schema version ${Math.max(...unknown)}, newer than this Lumetry knows: upgrade Lumetry`);
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.script(migration.sql(driver.dialect));
      await tx.execute('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
      applied.push(migration.version);
    }
    const version = Math.max(0, ...done, ...applied);
    return { applied, version };
  });
}
