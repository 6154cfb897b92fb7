// The typed, frozen configuration every process receives. Built from parsed variables only.
import { resolve } from 'node:path';
import type { ServiceName } from '../services/names.ts';
import { type TelemetryConfig, telemetryConfig } from './telemetry-config.ts';
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
  readonly shutdownDelayMs: number;
  readonly health: {
    readonly checkTimeoutMs: number;
    readonly checkCacheMs: number;
    readonly maxEventLoopDelayMs: number;
    readonly heartbeatIntervalMs: number;
    readonly queueAgeWarningMs: number;
  };
  readonly worker: { readonly batchSize: number; readonly idlePollMs: number; readonly leaseMs: number };
  readonly delivery: {
    readonly concurrency: number;
    readonly timeoutMs: number;
    readonly maxAttempts: number;
    readonly backoffBaseMs: number;
    readonly backoffMaxMs: number;
  };
  readonly destinations: {
    /** Absent: any host. */
    readonly allowedHosts: readonly string[] | undefined;
    readonly blockPrivate: boolean;
  };
  /** The egress proxy for deliveries and OTLP export; applied by main/outbound-proxy.ts. */
  readonly proxy: { readonly http: string | undefined; readonly https: string | undefined; readonly noProxy: string | undefined };
  readonly console: { readonly sessionTtlMs: number };
  readonly metrics: { readonly enabled: boolean; readonly path: string };
  readonly log: { readonly level: LogLevel; readonly format: LogFormat; readonly probes: boolean };
  readonly telemetry: TelemetryConfig;
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
    shutdownDelayMs: values.LUMETRY_SHUTDOWN_DELAY_MS,
    health: {
      checkTimeoutMs: values.LUMETRY_HEALTH_CHECK_TIMEOUT_MS,
      checkCacheMs: values.LUMETRY_HEALTH_CHECK_CACHE_MS,
      maxEventLoopDelayMs: values.LUMETRY_LIVENESS_MAX_EVENT_LOOP_DELAY_MS,
      heartbeatIntervalMs: values.LUMETRY_HEARTBEAT_INTERVAL_MS,
      queueAgeWarningMs: values.LUMETRY_QUEUE_AGE_WARNING_MS,
    },
    worker: { batchSize: values.LUMETRY_WORKER_BATCH_SIZE, idlePollMs: values.LUMETRY_WORKER_IDLE_POLL_MS, leaseMs: values.LUMETRY_WORKER_LEASE_MS },
    delivery: {
      concurrency: values.LUMETRY_DELIVERY_CONCURRENCY,
      timeoutMs: values.LUMETRY_DELIVERY_TIMEOUT_MS,
      maxAttempts: values.LUMETRY_DELIVERY_MAX_ATTEMPTS,
      backoffBaseMs: values.LUMETRY_DELIVERY_BACKOFF_BASE_MS,
      backoffMaxMs: values.LUMETRY_DELIVERY_BACKOFF_MAX_MS,
    },
    destinations: { allowedHosts: values.LUMETRY_DESTINATION_ALLOWED_HOSTS, blockPrivate: values.LUMETRY_DESTINATION_BLOCK_PRIVATE },
    proxy: { http: values.HTTP_PROXY, https: values.HTTPS_PROXY, noProxy: values.NO_PROXY },
    console: { sessionTtlMs: values.LUMETRY_CONSOLE_SESSION_TTL_MS },
    metrics: { enabled: values.LUMETRY_METRICS_ENABLED, path: values.LUMETRY_METRICS_PATH },
    log: { level: values.LUMETRY_LOG_LEVEL, format: values.LUMETRY_LOG_FORMAT, probes: values.LUMETRY_LOG_PROBES },
    telemetry: telemetryConfig(values),
  });
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}
