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

/** A trace exporter for records we encode ourselves (`encode`), over the SDK's transport for the protocol. */
export async function encodedSpanExporter<T>(settings: OtlpExport, encode: (records: T[]) => Uint8Array) {
  const { OTLPExporterBase } = await import('@opentelemetry/otlp-exporter-base');
  const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  const serializer = { serializeRequest: encode, deserializeResponse: (data: Uint8Array) => ProtobufTraceSerializer.deserializeResponse(data) };
  const counting = { name: 'span' as const, countItems: (records: T[]) => records.length };
  if (settings.protocol === 'grpc') {
    const { convertLegacyOtlpGrpcOptions, createOtlpGrpcExportDelegate } = await import('@opentelemetry/otlp-grpc-exporter-base');
    const options = convertLegacyOtlpGrpcOptions(await grpcOptions(settings), 'TRACES');
    return new OTLPExporterBase(createOtlpGrpcExportDelegate(options, serializer, 'otlp_grpc_span_exporter', counting, undefined, 'TraceExportService', '/opentelemetry.proto.collector.trace.v1.TraceService/Export'));
  }
  const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } = await import('@opentelemetry/otlp-exporter-base/node-http');
  const options = convertLegacyHttpOptions(await httpOptions(settings), 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' });
  return new OTLPExporterBase(createOtlpHttpExportDelegate(options, serializer, 'otlp_http_span_exporter', counting, undefined));
}
