// Every setting Lumetry reads, in one table: the parser, `lumetry config` and the documentation test
// all read this, so a variable cannot exist in one place and be missing from another.
import type * as v from 'valibot';
import { directory, hostname, oneOf, port, postgresUrl, wholeNumber } from './schemas.ts';

export interface VariableSpec {
  readonly schema: v.GenericSchema<string, unknown>;
  /** The value used when the variable is unset or empty; absent means "unset is allowed". */
  readonly default?: string;
  /** A secret may also come from `NAME_FILE`, and is never printed. */
  readonly secret?: boolean;
  readonly description: string;
}

export const variables = {
  LUMETRY_DATA_DIR: {
    schema: directory,
    default: 'data',
    description: 'Directory for the embedded SQLite database and local files, relative to the working directory.',
  },
  LUMETRY_DATABASE_URL: {
    schema: postgresUrl,
    secret: true,
    description: 'PostgreSQL connection URL. When unset, Lumetry uses the embedded SQLite database.',
  },
  LUMETRY_DATABASE_POOL_SIZE: {
    schema: wholeNumber(1, 100),
    default: '10',
    description: 'Most PostgreSQL connections each process opens.',
  },
  LUMETRY_SQLITE_BUSY_TIMEOUT_MS: {
    schema: wholeNumber(0, 600_000),
    default: '5000',
    description: 'How long an SQLite statement waits for another process to release the write lock.',
  },
  LUMETRY_HOST: {
    schema: hostname,
    default: '127.0.0.1',
    description: 'Address every process listens on. Use 0.0.0.0 in containers.',
  },
  LUMETRY_INGEST_API_PORT: { schema: port, default: '8080', description: 'Port of ingest-api (0 picks a free one).' },
  LUMETRY_CONSOLE_PORT: { schema: port, default: '8081', description: 'Port of console (0 picks a free one).' },
  LUMETRY_WORKER_PORT: { schema: port, default: '8082', description: 'Port of the worker management endpoints (0 picks a free one).' },
  LUMETRY_SHUTDOWN_TIMEOUT_MS: {
    schema: wholeNumber(100, 600_000),
    default: '20000',
    description: 'Longest a graceful shutdown may take before the process exits anyway with code 1.',
  },
  LUMETRY_LOG_LEVEL: {
    schema: oneOf(['debug', 'info', 'warn', 'error']),
    default: 'info',
    description: 'Lowest level written to stdout.',
  },
  LUMETRY_LOG_FORMAT: {
    schema: oneOf(['json', 'text']),
    default: 'json',
    description: 'json: one ECS document per line; text: readable lines for a terminal.',
  },
} as const satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof variables;

type Spec<K extends VariableName> = (typeof variables)[K];

/** What parsing yields: a variable with a default is always present. */
export type ParsedValues = {
  [K in VariableName]: v.InferOutput<Spec<K>['schema']> | (Spec<K> extends { default: string } ? never : undefined);
};
