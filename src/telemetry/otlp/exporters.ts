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
