// Builds a signal's OTLP exporter for the configured protocol. The exporter modules are imported
// only when their signal is switched on, so a process with export off never loads them.
import type { OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base/node-http';
import type { OtlpExport } from '../../config/telemetry-config.ts';
import { trustedCertificates } from './trust.ts';

/** The scheme as URL parsing sees it (`HTTPS://` included): TLS must never be skipped by spelling. */
function secure(url: string): boolean {
  return new URL(url).protocol === 'https:';
}

async function httpOptions(settings: OtlpExport): Promise<OTLPExporterNodeConfigBase> {
  const { CompressionAlgorithm } = await import('@opentelemetry/otlp-exporter-base');
  return {
    url: settings.url,
    headers: { ...settings.headers },
    timeoutMillis: settings.timeoutMs,
    compression: settings.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    ...(secure(settings.url) ? { httpAgentOptions: { ca: trustedCertificates(settings.certificate) } } : {}),
  };
}

async function grpcOptions(settings: OtlpExport) {
  const grpc = await import('@grpc/grpc-js');
  const { CompressionAlgorithm } = await import('@opentelemetry/otlp-exporter-base');
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(settings.headers)) metadata.set(key.toLowerCase(), value);
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

export async function spanExporter(settings: OtlpExport) {
  if (settings.protocol === 'grpc') return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter(await grpcOptions(settings));
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(await httpOptions(settings));
}

export async function metricExporter(settings: OtlpExport) {
  if (settings.protocol === 'grpc') return new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter(await grpcOptions(settings));
  return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter(await httpOptions(settings));
}

export async function logRecordExporter(settings: OtlpExport) {
  if (settings.protocol === 'grpc') return new (await import('@opentelemetry/exporter-logs-otlp-grpc')).OTLPLogExporter(await grpcOptions(settings));
  return new (await import('@opentelemetry/exporter-logs-otlp-proto')).OTLPLogExporter(await httpOptions(settings));
}

const encodedSignals = {
  traces: { name: 'TRACES', path: 'v1/traces', item: 'span', service: 'TraceExportService', method: '/opentelemetry.proto.collector.trace.v1.TraceService/Export' },
  logs: { name: 'LOGS', path: 'v1/logs', item: 'log', service: 'LogsExportService', method: '/opentelemetry.proto.collector.logs.v1.LogsService/Export' },
} as const;

/** An exporter for records we encode ourselves (`encode`), over the SDK's transport for the protocol. */
export async function encodedExporter<T>(settings: OtlpExport, signal: keyof typeof encodedSignals, encode: (records: T[]) => Uint8Array) {
  const { OTLPExporterBase } = await import('@opentelemetry/otlp-exporter-base');
  const { ProtobufLogsSerializer, ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  const { name, path, item, service, method } = encodedSignals[signal];
  const responses = signal === 'traces' ? ProtobufTraceSerializer : ProtobufLogsSerializer;
  const serializer = { serializeRequest: encode, deserializeResponse: (data: Uint8Array) => responses.deserializeResponse(data) };
  const counting = { name: item, countItems: (records: T[]) => records.length };
  if (settings.protocol === 'grpc') {
    const { convertLegacyOtlpGrpcOptions, createOtlpGrpcExportDelegate } = await import('@opentelemetry/otlp-grpc-exporter-base');
    const options = convertLegacyOtlpGrpcOptions(await grpcOptions(settings), name);
    return new OTLPExporterBase(createOtlpGrpcExportDelegate(options, serializer, `otlp_grpc_${item}_exporter`, counting, undefined, service, method));
  }
  const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } = await import('@opentelemetry/otlp-exporter-base/node-http');
  const options = convertLegacyHttpOptions(await httpOptions(settings), name, path, { 'Content-Type': 'application/x-protobuf' });
  return new OTLPExporterBase(createOtlpHttpExportDelegate(options, serializer, `otlp_http_${item}_exporter`, counting, undefined));
}
