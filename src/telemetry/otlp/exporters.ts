// Builds a signal's OTLP exporter for the configured protocol. The exporter modules are imported
// only when their signal is switched on, so a process with export off never loads them.
import type { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import type { OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base/node-http';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { OtlpExport, SignalName } from '../../config/telemetry-config.ts';
import { loadRuntime } from '../../runtime/index.ts';
import { trustedCertificates } from './trust.ts';

/** The scheme as URL parsing sees it (`HTTPS://` included): TLS must never be skipped by spelling. */
function secure(url: string): boolean {
  return new URL(url).protocol === 'https:';
}

/** For an HTTPS endpoint: the authorities its certificate must be signed by. */
function authorities(settings: OtlpExport): string[] | undefined {
  return secure(settings.url) ? trustedCertificates(settings.certificate) : undefined;
}

async function httpOptions(settings: OtlpExport, ca: string[] | undefined): Promise<OTLPExporterNodeConfigBase> {
  const { CompressionAlgorithm } = await import('@opentelemetry/otlp-exporter-base');
  return {
    url: settings.url,
    headers: { ...settings.headers },
    timeoutMillis: settings.timeoutMs,
    compression: settings.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    // Node's agents follow HTTP(S)_PROXY and NO_PROXY only when given them (main/outbound-proxy.ts).
    httpAgentOptions: { keepAlive: true, proxyEnv: process.env, ...(ca ? { ca } : {}) },
  };
}

async function grpcOptions(settings: OtlpExport) {
  const grpc = await import('@grpc/grpc-js');
  const { CompressionAlgorithm } = await import('@opentelemetry/otlp-exporter-base');
  // The config has checked that gRPC takes every key and value.
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(settings.headers)) metadata.set(key, value);
  const credentials = secure(settings.url)
    ? grpc.credentials.createSsl(Buffer.from(trustedCertificates(settings.certificate).join('\n')))
    : grpc.credentials.createInsecure();
  return {
    url: settings.url,
    metadata,
    credentials,
    timeoutMillis: settings.timeoutMs,
    compression: settings.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
  };
}

/** What the endpoint refused of an export it acknowledged: OTLP partial success. */
export interface Refusal {
  readonly count: number;
  readonly message: string;
}

/** An OTLP exporter and what its endpoint refused of the export it just acknowledged (read once). */
export interface OtlpExporter<T, E = OTLPExporterBase<T>> {
  readonly exporter: E;
  readonly refused: () => Refusal | undefined;
}

const signals = {
  traces: { name: 'TRACES', path: 'v1/traces', item: 'span', service: 'TraceExportService', method: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', rejected: 'rejectedSpans' },
  metrics: { name: 'METRICS', path: 'v1/metrics', item: 'metric_data_point', service: 'MetricsExportService', method: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', rejected: 'rejectedDataPoints' },
  logs: { name: 'LOGS', path: 'v1/logs', item: 'log', service: 'LogsExportService', method: '/opentelemetry.proto.collector.logs.v1.LogsService/Export', rejected: 'rejectedLogRecords' },
} as const;

export async function spanExporter(settings: OtlpExport): Promise<OtlpExporter<ReadableSpan[]>> {
  const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  return otlpExporter(settings, 'traces', (spans: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(spans));
}

export async function logRecordExporter(settings: OtlpExport): Promise<OtlpExporter<ReadableLogRecord[]>> {
  const { ProtobufLogsSerializer } = await import('@opentelemetry/otlp-transformer');
  return otlpExporter(settings, 'logs', (records: ReadableLogRecord[]) => ProtobufLogsSerializer.serializeRequest(records));
}

/** The metric exporter's base class adds the aggregation and temporality choices to the delegate. */
export async function metricExporter(settings: OtlpExport): Promise<OtlpExporter<ResourceMetrics, PushMetricExporter>> {
  const { ProtobufMetricsSerializer } = await import('@opentelemetry/otlp-transformer');
  const { AggregationTemporalityPreference, OTLPMetricExporterBase } = await import('@opentelemetry/exporter-metrics-otlp-http');
  const { delegate, refused } = await exportDelegate(settings, 'metrics', (batch: ResourceMetrics) => ProtobufMetricsSerializer.serializeRequest(batch));
  // Given, so the base class does not read OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE itself (the config checks it).
  return { exporter: new OTLPMetricExporterBase(delegate, { temporalityPreference: AggregationTemporalityPreference.CUMULATIVE }), refused };
}

/** An exporter of `signal` encoding with `serialize`: the SDK's serializers, or ours for server spans and request events. */
export async function otlpExporter<T>(settings: OtlpExport, signal: SignalName, serialize: (items: T) => Uint8Array | undefined): Promise<OtlpExporter<T>> {
  const { OTLPExporterBase } = await import('@opentelemetry/otlp-exporter-base');
  const { delegate, refused } = await exportDelegate(settings, signal, serialize);
  return { exporter: new OTLPExporterBase(delegate), refused };
}

/**
 * The SDK's export delegate for the configured protocol, built as its per-signal exporter classes
 * build theirs, but with a serializer of ours that reads the endpoint's answer: an acknowledged
 * export may still have refused some items (OTLP partial success), lost like a failed export's.
 */
async function exportDelegate<T>(settings: OtlpExport, signal: SignalName, serialize: (items: T) => Uint8Array | undefined) {
  const { ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  const { name, path, item, service, method, rejected } = signals[signal];
  const responses = { traces: ProtobufTraceSerializer, metrics: ProtobufMetricsSerializer, logs: ProtobufLogsSerializer }[signal];
  let refusal: Refusal | undefined;
  const serializer = {
    serializeRequest: serialize,
    // Called with an acknowledged export's answer, just before the export reports success.
    deserializeResponse: (data: Uint8Array) => {
      const response = responses.deserializeResponse(data);
      const partial = response.partialSuccess as Partial<Record<typeof rejected | 'errorMessage', unknown>> | undefined;
      const count = Number(partial?.[rejected] ?? 0);
      refusal = count > 0 ? { count, message: String(partial?.errorMessage ?? '') } : undefined;
      return response;
    },
  };
  const refused = () => {
    const last = refusal;
    refusal = undefined;
    return last;
  };
  const counting = { name: item, countItems: (items: T) => (Array.isArray(items) ? items.length : 0) };
  if (settings.protocol === 'grpc') {
    const { convertLegacyOtlpGrpcOptions, createOtlpGrpcExportDelegate } = await import('@opentelemetry/otlp-grpc-exporter-base');
    // The SDK would add OTEL_EXPORTER_OTLP_*HEADERS read on its own; only the checked settings' are sent.
    const grpcSettings = await grpcOptions(settings);
    const options = { ...convertLegacyOtlpGrpcOptions(grpcSettings, name), metadata: () => grpcSettings.metadata.clone() };
    return { delegate: createOtlpGrpcExportDelegate(options, serializer, `otlp_grpc_${item}_exporter`, counting, undefined, service, method), refused };
  }
  const { convertLegacyHttpOptions, createOtlpHttpExportDelegate, createOtlpHttpExporterMetrics } = await import('@opentelemetry/otlp-exporter-base/node-http');
  const ca = authorities(settings);
  const required = { 'Content-Type': 'application/x-protobuf' };
  // As for gRPC: the checked settings' headers only, not the SDK's own reading of the environment.
  const options = { ...convertLegacyHttpOptions(await httpOptions(settings, ca), name, path, required), headers: async () => ({ ...settings.headers, ...required }) };
  const { post } = await loadRuntime();
  if (post === undefined) return { delegate: createOtlpHttpExportDelegate(options, serializer, `otlp_http_${item}_exporter`, counting, undefined), refused };
  const { createOtlpNetworkExportDelegate } = await import('@opentelemetry/otlp-exporter-base');
  const { fetchTransport } = await import('./fetch-transport.ts');
  const target = { url: options.url, headers: await options.headers(), gzip: settings.compression === 'gzip', ca };
  const metrics = createOtlpHttpExporterMetrics(`otlp_http_${item}_exporter`, counting, options.url, undefined);
  return { delegate: createOtlpNetworkExportDelegate(options, serializer, metrics, fetchTransport(post, target)), refused };
}
