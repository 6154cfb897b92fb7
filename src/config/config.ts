// The typed, frozen configuration every process receives. Built from parsed variables only.
import { resolve } from 'node:path';
import type { ServiceName } from '../services/names.ts';
import type { ParsedValues } from './variables.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';

export interface Config {
  readonly dataDir: string;
  readonly database: {
    /** Absent means the embedded SQLite database in `dataDir`. */
    readonly url: string | undefined;
    readonly poolSize: number;
    readonly sqliteBusyTimeoutMs: number;
  };
  readonly host: string;
  readonly ports: Readonly<Record<ServiceName, number>>;
  readonly shutdownTimeoutMs: number;
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
}

export function toConfig(values: ParsedValues, cwd: string): Config {
  return deepFreeze({
    dataDir: resolve(cwd, values.LUMETRY_DATA_DIR),
    database: {
      url: values.LUMETRY_DATABASE_URL,
      poolSize: values.LUMETRY_DATABASE_POOL_SIZE,
      sqliteBusyTimeoutMs: values.LUMETRY_SQLITE_BUSY_TIMEOUT_MS,
    },
    host: values.LUMETRY_HOST,
    ports: {
      'ingest-api': values.LUMETRY_INGEST_API_PORT,
      console: values.LUMETRY_CONSOLE_PORT,
      worker: values.LUMETRY_WORKER_PORT,
    },
    shutdownTimeoutMs: values.LUMETRY_SHUTDOWN_TIMEOUT_MS,
    log: { level: values.LUMETRY_LOG_LEVEL, format: values.LUMETRY_LOG_FORMAT },
  });
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}
