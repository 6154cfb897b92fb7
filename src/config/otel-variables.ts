// The standard OpenTelemetry SDK variables Lumetry reads, so an operator configures export the same
// way as for any other OpenTelemetry-instrumented service. Export is off until a signal's exporter
// is set to `otlp`. https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
// https://opentelemetry.io/docs/specs/otel/protocol/exporter/
import { boolean, certificateFile, fraction, headerList, httpUrl, keyValueList, oneOf, only, wholeNumber } from './schemas.ts';
import type { VariableSpec } from './variables.ts';

const exporter = oneOf(['otlp', 'none']);
export const otlpProtocols = ['grpc', 'http/protobuf'] as const;
export const samplers = ['parentbased_traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'traceidratio', 'always_on', 'always_off'] as const;

const otlpFields = {
  ENDPOINT: { schema: httpUrl, secret: true, description: 'endpoint URL (may carry credentials, so shown masked)' },
  PROTOCOL: { schema: oneOf([...otlpProtocols]), description: 'protocol: grpc or http/protobuf' },
  HEADERS: { schema: headerList, secret: true, description: 'request headers (gRPC metadata) as key=value pairs, such as an API key; values percent-encoded, printable ASCII' },
  TIMEOUT: { schema: wholeNumber(1, 600_000), description: 'milliseconds one export may take' },
  COMPRESSION: { schema: oneOf(['gzip', 'none']), description: 'compression: gzip or none' },
  CERTIFICATE: { schema: certificateFile, description: 'PEM file of the CA that signs the collector’s certificate, instead of the host’s trust store' },
} as const;

type OtlpField = keyof typeof otlpFields;
type Signal = '' | 'TRACES_' | 'METRICS_' | 'LOGS_';
type OtlpVariables<S extends Signal> = { readonly [F in OtlpField as `OTEL_EXPORTER_OTLP_${S}${F}`]: (typeof otlpFields)[F] };

function otlpVariables<S extends Signal>(signal: S): OtlpVariables<S> {
  const scope = signal === '' ? 'every signal, unless set for the signal' : `${signal.slice(0, -1).toLowerCase()} only; overrides OTEL_EXPORTER_OTLP_*`;
  return Object.fromEntries(
    Object.entries(otlpFields).map(([field, spec]) => [`OTEL_EXPORTER_OTLP_${signal}${field}`, { ...spec, description: `OTLP ${spec.description} (${scope}).` }]),
  ) as OtlpVariables<S>;
}

export const otelVariables = {
  OTEL_SDK_DISABLED: { schema: boolean, default: 'false', description: 'true turns every OpenTelemetry export off, whatever the exporters say. /metrics and stdout logs are not affected.' },
  OTEL_TRACES_EXPORTER: { schema: exporter, default: 'none', description: 'otlp sends traces to the OTLP endpoint; none (default) records no spans at all.' },
  OTEL_METRICS_EXPORTER: { schema: exporter, default: 'none', description: 'otlp also pushes metrics to the OTLP endpoint (the same instruments /metrics serves).' },
  OTEL_LOGS_EXPORTER: { schema: exporter, default: 'none', description: 'otlp also sends every log event as an OpenTelemetry log record.' },
  ...otlpVariables(''),
  ...otlpVariables('TRACES_'),
  ...otlpVariables('METRICS_'),
  ...otlpVariables('LOGS_'),
  OTEL_TRACES_SAMPLER: { schema: oneOf([...samplers]), default: 'parentbased_always_on', description: 'Which traces are recorded: a parent-based sampler follows the caller’s traceparent decision.' },
  OTEL_TRACES_SAMPLER_ARG: { schema: fraction, default: '1', description: 'Ratio of traces recorded by the traceidratio samplers, 0 to 1.' },
  OTEL_BSP_SCHEDULE_DELAY: { schema: wholeNumber(1, 600_000), default: '5000', description: 'Milliseconds between span exports.' },
  OTEL_BSP_MAX_QUEUE_SIZE: { schema: wholeNumber(1, 1_000_000), default: '2048', description: 'Most spans waiting for export, server spans and other spans each; more are dropped and counted in lumetry.telemetry.dropped.' },
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: { schema: wholeNumber(1, 100_000), default: '512', description: 'Most spans in one export.' },
  OTEL_BLRP_SCHEDULE_DELAY: { schema: wholeNumber(1, 600_000), default: '1000', description: 'Milliseconds between log record exports.' },
  OTEL_BLRP_MAX_QUEUE_SIZE: { schema: wholeNumber(1, 1_000_000), default: '2048', description: 'Most log records waiting for export, request events and other events each; more are dropped and counted in lumetry.telemetry.dropped.' },
  OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: { schema: wholeNumber(1, 100_000), default: '512', description: 'Most log records in one export.' },
  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: {
    schema: only('cumulative', 'for a backend that wants delta, convert in an OpenTelemetry Collector (cumulativetodelta processor)'),
    default: 'cumulative',
    description: 'Temporality of OTLP metrics: cumulative, the same as /metrics serves.',
  },
  OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: {
    schema: only('explicit_bucket_histogram', 'histograms have the bucket boundaries docs/observability.md lists'),
    default: 'explicit_bucket_histogram',
    description: 'Histogram aggregation of OTLP metrics: explicit_bucket_histogram, the buckets /metrics serves.',
  },
  OTEL_METRIC_EXPORT_INTERVAL: { schema: wholeNumber(100, 3_600_000), default: '60000', description: 'Milliseconds between metric exports over OTLP.' },
  OTEL_METRIC_EXPORT_TIMEOUT: { schema: wholeNumber(100, 600_000), default: '30000', description: 'Longest one metric export may take.' },
  OTEL_RESOURCE_ATTRIBUTES: { schema: keyValueList, description: 'Extra resource attributes (key=value,…) on every signal, such as service.namespace=payments. service.name, service.version, service.instance.id and process.pid are always Lumetry’s own.' },
} as const satisfies Record<string, VariableSpec>;
