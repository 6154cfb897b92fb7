// What the OpenTelemetry variables mean once resolved: per signal, either off or one complete OTLP
// destination (a signal's own variable wins over the generic one; headers from both are merged, the
// signal's winning on a clash, names compared in any case). Defaults follow the OTLP exporter specification.
import type { otlpProtocols, samplers } from './otel-variables.ts';
import type { ParsedValues } from './variables.ts';

export type OtlpProtocol = (typeof otlpProtocols)[number];
export type SignalName = 'traces' | 'metrics' | 'logs';

export interface OtlpExport {
  readonly protocol: OtlpProtocol;
  /** The full URL requests go to (for http/protobuf it ends in /v1/<signal>). */
  readonly url: string;
  /** Credentials, usually: never logged or shown. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly compression: 'gzip' | 'none';
  /** PEM text of the CA to trust instead of the host's trust store. */
  readonly certificate: string | undefined;
}

export interface BatchSettings {
  readonly delayMs: number;
  readonly maxQueueSize: number;
  readonly maxBatchSize: number;
}

export interface TelemetryConfig {
  readonly environment: string | undefined;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** Undefined: the signal is not exported. */
  readonly export: { readonly [S in SignalName]: OtlpExport | undefined };
  readonly sampler: { readonly name: (typeof samplers)[number]; readonly ratio: number };
  readonly spans: BatchSettings;
  readonly logRecords: BatchSettings;
  readonly metricExport: { readonly intervalMs: number; readonly timeoutMs: number };
}

const defaultPorts: Record<OtlpProtocol, number> = { grpc: 4317, 'http/protobuf': 4318 };

export function telemetryConfig(values: ParsedValues): TelemetryConfig {
  const on = (exporter: 'otlp' | 'none') => !values.OTEL_SDK_DISABLED && exporter === 'otlp';
  return {
    environment: values.LUMETRY_DEPLOYMENT_ENVIRONMENT,
    resourceAttributes: values.OTEL_RESOURCE_ATTRIBUTES ?? {},
    export: {
      traces: on(values.OTEL_TRACES_EXPORTER) ? otlpExport(values, 'traces') : undefined,
      metrics: on(values.OTEL_METRICS_EXPORTER) ? otlpExport(values, 'metrics') : undefined,
      logs: on(values.OTEL_LOGS_EXPORTER) ? otlpExport(values, 'logs') : undefined,
    },
    sampler: { name: values.OTEL_TRACES_SAMPLER, ratio: values.OTEL_TRACES_SAMPLER_ARG },
    spans: { delayMs: values.OTEL_BSP_SCHEDULE_DELAY, maxQueueSize: values.OTEL_BSP_MAX_QUEUE_SIZE, maxBatchSize: values.OTEL_BSP_MAX_EXPORT_BATCH_SIZE },
    logRecords: { delayMs: values.OTEL_BLRP_SCHEDULE_DELAY, maxQueueSize: values.OTEL_BLRP_MAX_QUEUE_SIZE, maxBatchSize: values.OTEL_BLRP_MAX_EXPORT_BATCH_SIZE },
    metricExport: { intervalMs: values.OTEL_METRIC_EXPORT_INTERVAL, timeoutMs: values.OTEL_METRIC_EXPORT_TIMEOUT },
  };
}

function otlpExport(values: ParsedValues, signal: SignalName): OtlpExport {
  const own = <F extends 'ENDPOINT' | 'PROTOCOL' | 'HEADERS' | 'TIMEOUT' | 'COMPRESSION' | 'CERTIFICATE'>(field: F) =>
    values[`OTEL_EXPORTER_OTLP_${signal.toUpperCase() as Uppercase<SignalName>}_${field}`] ?? values[`OTEL_EXPORTER_OTLP_${field}`];
  const protocol = own('PROTOCOL') ?? 'http/protobuf';
  const signalUrl = values[`OTEL_EXPORTER_OTLP_${signal.toUpperCase() as Uppercase<SignalName>}_ENDPOINT`];
  const base = values.OTEL_EXPORTER_OTLP_ENDPOINT ?? `http://localhost:${defaultPorts[protocol]}`;
  const url = signalUrl ?? (protocol === 'grpc' ? base : withSignalPath(base, signal));
  return {
    protocol,
    url,
    headers: { ...values.OTEL_EXPORTER_OTLP_HEADERS, ...values[`OTEL_EXPORTER_OTLP_${signal.toUpperCase() as Uppercase<SignalName>}_HEADERS`] },
    timeoutMs: own('TIMEOUT') ?? 10_000,
    compression: own('COMPRESSION') ?? 'none',
    certificate: own('CERTIFICATE'),
  };
}

/** The generic endpoint is a base URL: http/protobuf appends the signal's path to its path (a query stays a query). */
function withSignalPath(base: string, signal: SignalName): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/${signal}`;
  return url.href;
}
