// A fresh PostgreSQL database per test file, made from LUMETRY_TEST_DATABASE_URL and dropped after.
// Without that variable the PostgreSQL tests are skipped with `postgresSkipReason`.
import postgres from 'postgres';

export const testDatabaseUrl = process.env.LUMETRY_TEST_DATABASE_URL || undefined;
export const postgresSkipReason = testDatabaseUrl ? false : 'LUMETRY_TEST_DATABASE_URL is not set (.ci/run sets it)';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function freshPostgresDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl) throw new Error(String(postgresSkipReason));
  const name = `lumetry_t_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = postgres(testDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = postgres(testDatabaseUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}
