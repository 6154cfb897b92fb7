// PostgreSQL driver over the `postgres` package (works on Bun and Node alike).
// int8 columns hold millisecond timestamps and counters, all below 2^53, so they are read as numbers.
import postgres from 'postgres';
import type { Param, Row, SqlDriver, SqlExecutor } from './sql.ts';
import { StoreError } from './store-error.ts';

export interface PostgresOptions {
  readonly url: string;
  readonly poolSize: number;
  readonly applicationName: string;
}

type Client = postgres.Sql | postgres.TransactionSql;

export function openPostgresDriver(options: PostgresOptions): SqlDriver {
  const sql = postgres(options.url, {
    max: options.poolSize,
    connect_timeout: 10,
    idle_timeout: 60,
    onnotice: () => {},
    connection: { application_name: options.applicationName },
    types: { int8: { to: 20, from: [20], serialize: (value: number) => String(value), parse: Number } },
  });
  const base = executor(sql);
  return {
    dialect: 'postgres',
    ...base,
    transaction: (work) => translate(() => sql.begin((tx) => work(executor(tx)))) as Promise<never>,
    signals: {
      notify: async (tx, channel, payload) => void (await tx.query('SELECT pg_notify($1, $2)', [channel, payload])),
      listen: async (channel, onSignal) => {
        const subscription = await sql.listen(channel, onSignal);
        return () => subscription.unlisten();
      },
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

function executor(client: Client): SqlExecutor {
  return {
    query: (text, params = []) => translate(async () => [...(await client.unsafe(text, params as Param[] as never[]))] as Row[]),
    execute: (text, params = []) => translate(async () => (await client.unsafe(text, params as Param[] as never[])).count),
    script: (text) => translate(async () => void (await client.unsafe(text))),
  };
}

// Class 08 is "connection exception", 57P0x "operator intervention" (shutdown, restart), 53
// "insufficient resources" (disk full, out of memory or connections), 40 "transaction rollback"
// (a serialization failure or a deadlock, settled by running the transaction again).
// https://www.postgresql.org/docs/current/errcodes-appendix.html
const unavailableCodes = /^(08|57P0|53)/;
const rolledBackCodes = /^40/;
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

async function translate<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (code === '23505') throw new StoreError('conflict', 'a record with the same key exists', { cause: error });
    if (unavailableCodes.test(code) || networkCodes.has(code)) {
      throw new StoreError('unavailable', 'the PostgreSQL database is not available', { cause: error });
    }
    if (rolledBackCodes.test(code)) throw new StoreError('unavailable', 'the PostgreSQL database rolled the transaction back: try again', { cause: error });
    throw error;
  }
}
