// Every setting Lumetry reads, in one table: the parser, `lumetry config` and the documentation test
// all read this, so a variable cannot exist in one place and be missing from another.
import type * as v from 'valibot';
import { otelVariables } from './otel-variables.ts';
import { boolean, directory, hostPatterns, hostname, label, metricsPath, noProxyList, oneOf, port, postgresUrl, proxyUrl, wholeNumber } from './schemas.ts';

export interface VariableSpec {
  readonly schema: v.GenericSchema<string, unknown>;
  /** The value used when the variable is unset or empty; absent means "unset is allowed". */
  readonly default?: string;
  /** A secret may also come from `NAME_FILE`, and is never printed. */
  readonly secret?: boolean;
  /** Read when NAME is unset: the lower-case spelling other tools also accept (`https_proxy`). */
  readonly alias?: string;
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
  LUMETRY_SHUTDOWN_DELAY_MS: {
    schema: wholeNumber(0, 120_000),
    default: '0',
    description: 'After a stop signal, how long readiness fails while the listener still serves, so load balancers move traffic away first.',
  },
  LUMETRY_HEALTH_CHECK_TIMEOUT_MS: {
    schema: wholeNumber(50, 60_000),
    default: '2000',
    description: 'Longest a readiness check may take; a dependency that does not answer in time fails the check.',
  },
  LUMETRY_HEALTH_CHECK_CACHE_MS: {
    schema: wholeNumber(0, 60_000),
    default: '1000',
    description: 'How long a readiness check result is reused, so frequent probes do not load a dependency.',
  },
  LUMETRY_LIVENESS_MAX_EVENT_LOOP_DELAY_MS: {
    schema: wholeNumber(100, 600_000),
    default: '5000',
    description: 'Liveness fails when the event loop was blocked longer than this in the last 10 seconds.',
  },
  LUMETRY_HEARTBEAT_INTERVAL_MS: {
    schema: wholeNumber(100, 300_000),
    default: '5000',
    description: 'How often each instance records its heartbeat; after three missed ones it is shown as down.',
  },
  LUMETRY_QUEUE_AGE_WARNING_MS: {
    schema: wholeNumber(1000, 86_400_000),
    default: '60000',
    description: 'The System Health page warns when the oldest item of a queue is older than this.',
  },
  LUMETRY_WORKER_BATCH_SIZE: {
    schema: wholeNumber(1, 1000),
    default: '500',
    description: 'Most ingest queue items the worker claims and fans out in one transaction.',
  },
  LUMETRY_WORKER_IDLE_POLL_MS: {
    schema: wholeNumber(10, 10_000),
    default: '200',
    description: 'Longest the worker waits between looks at an empty queue.',
  },
  LUMETRY_WORKER_LEASE_MS: {
    schema: wholeNumber(1000, 3_600_000),
    default: '30000',
    description: 'How long a claimed batch stays with a worker that stopped answering before another may take it. A delivery lease adds the delivery timeout.',
  },
  LUMETRY_DELIVERY_CONCURRENCY: {
    schema: wholeNumber(1, 256),
    default: '64',
    description: 'Most deliveries one worker has in flight. At most 256: Bun caps concurrent fetches there by default.',
  },
  LUMETRY_DELIVERY_TIMEOUT_MS: {
    schema: wholeNumber(100, 300_000),
    default: '10000',
    description: 'How long one delivery attempt may take, connection to last byte, before it counts as failed and is retried.',
  },
  LUMETRY_DELIVERY_MAX_ATTEMPTS: {
    schema: wholeNumber(1, 100),
    default: '10',
    description: 'Attempts per delivery before it is dead-lettered.',
  },
  LUMETRY_DELIVERY_BACKOFF_BASE_MS: {
    schema: wholeNumber(1, 3_600_000),
    default: '1000',
    description: 'Retry back-off: attempt n waits a random time up to base × 2^(n-1), capped by the maximum.',
  },
  LUMETRY_DELIVERY_BACKOFF_MAX_MS: {
    schema: wholeNumber(1, 86_400_000),
    default: '600000',
    description: 'Longest retry back-off, and the most a Retry-After header can ask for.',
  },
  LUMETRY_DESTINATION_ALLOWED_HOSTS: {
    schema: hostPatterns,
    description: 'If set, deliveries go only to these hosts (comma-separated; *.example.com matches subdomains).',
  },
  LUMETRY_DESTINATION_BLOCK_PRIVATE: {
    schema: boolean,
    default: 'false',
    description: 'true refuses destinations that are or resolve to loopback, private, link-local or other non-public addresses.',
  },
  HTTPS_PROXY: {
    schema: proxyUrl,
    secret: true,
    alias: 'https_proxy',
    description: 'Proxy for every outbound https:// connection: deliveries and OTLP export (also read as https_proxy). May carry credentials, so shown masked.',
  },
  HTTP_PROXY: {
    schema: proxyUrl,
    secret: true,
    alias: 'http_proxy',
    description: 'Proxy for every outbound http:// connection: deliveries and OTLP export (also read as http_proxy). May carry credentials, so shown masked.',
  },
  NO_PROXY: {
    schema: noProxyList,
    alias: 'no_proxy',
    description: 'Comma-separated hosts, domains (.example.com) and addresses reached directly, not through the proxy; * for all (also read as no_proxy).',
  },
  LUMETRY_CONSOLE_SESSION_TTL_MS: {
    schema: wholeNumber(60_000, 30 * 86_400_000),
    default: '43200000',
    description: 'How long a console login lasts.',
  },
  LUMETRY_METRICS_ENABLED: {
    schema: boolean,
    default: 'true',
    description: 'Serve Prometheus metrics on every process.',
  },
  LUMETRY_METRICS_PATH: {
    schema: metricsPath,
    default: '/metrics',
    description: 'Path of the Prometheus endpoint on each process port.',
  },
  LUMETRY_LOG_PROBES: {
    schema: boolean,
    default: 'false',
    description: 'Log health probes and metric scrapes at info (otherwise at debug).',
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
  LUMETRY_DEPLOYMENT_ENVIRONMENT: {
    schema: label,
    description: 'Name of this deployment (production, staging…): the deployment.environment.name resource attribute of every signal.',
  },
  ...otelVariables,
} as const satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof variables;

type Spec<K extends VariableName> = (typeof variables)[K];

/** What parsing yields: a variable with a default is always present. */
export type ParsedValues = {
  [K in VariableName]: v.InferOutput<Spec<K>['schema']> | (Spec<K> extends { default: string } ? never : undefined);
};
