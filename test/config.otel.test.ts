// The standard OpenTelemetry variables: export off by default, each signal on its own, generic and
// per-signal OTLP settings resolved as the specification says, bad values refused all at once, and
// header values (credentials) never displayed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { describeSettings } from '../src/config/describe.ts';
import { loadConfig } from '../src/config/load.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('otel-config');
after(() => dir.remove());

function config(env: Record<string, string>) {
  const result = loadConfig(env, '/');
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result;
}

test('nothing is exported unless a signal is switched on', () => {
  const { telemetry } = config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).config;
  assert.deepEqual(telemetry.export, { traces: undefined, metrics: undefined, logs: undefined });
});

test('each signal is switched on alone; OTEL_SDK_DISABLED turns every one off', () => {
  const { telemetry } = config({ OTEL_METRICS_EXPORTER: 'otlp' }).config;
  assert.equal(telemetry.export.traces, undefined);
  assert.equal(telemetry.export.logs, undefined);
  assert.equal(telemetry.export.metrics?.url, 'http://localhost:4318/v1/metrics', 'the default OTLP/HTTP endpoint with the signal path');
  const disabled = config({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: 'otlp' }).config.telemetry;
  assert.deepEqual(disabled.export, { traces: undefined, metrics: undefined, logs: undefined });
});

test('per-signal settings win over generic ones; headers merge, the signal’s winning', () => {
  const { telemetry } = config({
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/',
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20generic,x-team=a',
    OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
    OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'authorization=Bearer logs',
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example/custom/path',
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics.example:4317',
    OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
  }).config;
  assert.deepEqual(telemetry.export.traces, {
    protocol: 'http/protobuf',
    url: 'https://collector.example:4318/v1/traces',
    headers: { authorization: 'Bearer generic', 'x-team': 'a' },
    timeoutMs: 2000,
    compression: 'gzip',
    certificate: undefined,
  });
  assert.equal(telemetry.export.logs?.url, 'https://logs.example/custom/path', 'a signal endpoint is used as given');
  assert.deepEqual(telemetry.export.logs?.headers, { authorization: 'Bearer logs', 'x-team': 'a' });
  assert.equal(telemetry.export.metrics?.protocol, 'grpc');
  assert.equal(telemetry.export.metrics?.url, 'http://metrics.example:4317');
});

test('gRPC uses the generic endpoint as it is, on port 4317 by default', () => {
  const { telemetry } = config({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).config;
  assert.equal(telemetry.export.traces?.url, 'http://localhost:4317');
});

test('headers come from a file, one per line, and are never displayed', () => {
  const file = join(dir.path, 'headers');
  writeFileSync(file, 'authorization=Bearer file-s3cr3t\nx-tenant=ops\n');
  const result = config({ OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_HEADERS_FILE: file });
  assert.deepEqual(result.config.telemetry.export.logs?.headers, { authorization: 'Bearer file-s3cr3t', 'x-tenant': 'ops' });
  const text = describeSettings(result.settings);
  assert.doesNotMatch(text, /s3cr3t/);
  assert.match(text, /OTEL_EXPORTER_OTLP_HEADERS\s+\*+\s+\(file\)/);
});

test('the CA file is read at start-up; a missing one, or one that holds no certificate, is a configuration error', () => {
  const file = join(dir.path, 'ca.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir.path, 'ca.key'), '-out', file, '-days', '2', '-subj', '/CN=lumetry test ca'], { stdio: 'ignore' });
  assert.match(config({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_CERTIFICATE: file }).config.telemetry.export.traces?.certificate ?? '', /BEGIN CERTIFICATE/);
  const missing = loadConfig({ OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: join(dir.path, 'nope.pem') }, '/');
  assert.ok(!missing.ok);
  assert.match(missing.problems[0]!.reason, /cannot read file .*nope\.pem \(ENOENT\)/);
  // gRPC used to take such a file and then fail at start-up ("Invalid CA"), exit 1 instead of 78.
  const damaged = join(dir.path, 'damaged.pem');
  writeFileSync(damaged, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const key = join(dir.path, 'ca.key');
  for (const path of [damaged, key]) {
    const result = loadConfig({ OTEL_EXPORTER_OTLP_CERTIFICATE: path }, '/');
    assert.ok(!result.ok, path);
    assert.deepEqual(result.problems.map((p) => p.variable), ['OTEL_EXPORTER_OTLP_CERTIFICATE']);
    assert.match(result.problems[0]!.reason, /^must be a PEM file of CA certificates/);
  }
});

test('header names and values neither HTTP nor gRPC metadata take are refused, the values never shown', () => {
  const refused = ['authorization=Bearer%20s3cr%C3%A9t', 'authorization=Bearer%0As3cr3t', 'x-token-bin=s3cr3t', 'x!key=s3cr3t'];
  for (const headers of refused) {
    const result = loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_HEADERS: headers }, '/');
    assert.ok(!result.ok, headers);
    assert.deepEqual(result.problems.map((p) => p.variable), ['OTEL_EXPORTER_OTLP_TRACES_HEADERS'], headers);
    assert.doesNotMatch(JSON.stringify(result.problems), /s3cr/);
  }
});

test('a signal’s header replaces a generic one of the same name in any case; names are sent in lower case', () => {
  const { telemetry } = config({
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20generic,X-Team=a',
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20traces',
  }).config;
  assert.deepEqual(telemetry.export.traces?.headers, { authorization: 'Bearer traces', 'x-team': 'a' });
});

test('the generic endpoint keeps its query when the signal path is added, and surrounding spaces are dropped', () => {
  const { telemetry } = config({
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: ' https://collector.example/base/?tenant=t1 ',
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs.example:4318/v1/logs ',
  }).config;
  assert.equal(telemetry.export.traces?.url, 'https://collector.example/base/v1/traces?tenant=t1');
  assert.equal(telemetry.export.logs?.url, 'http://logs.example:4318/v1/logs');
});

test('booleans and named values are read in any case, as the specification says', () => {
  const { telemetry } = config({
    OTEL_SDK_DISABLED: 'FALSE',
    OTEL_TRACES_EXPORTER: 'OTLP',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'GRPC',
    OTEL_EXPORTER_OTLP_COMPRESSION: 'Gzip',
    OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio',
  }).config;
  assert.equal(telemetry.export.traces?.protocol, 'grpc');
  assert.equal(telemetry.export.traces?.compression, 'gzip');
  assert.equal(telemetry.sampler.name, 'parentbased_traceidratio');
  assert.equal(config({ OTEL_SDK_DISABLED: 'True', OTEL_TRACES_EXPORTER: 'otlp' }).config.telemetry.export.traces, undefined);
});

test('metric temporality and histogram aggregation other than what /metrics serves are refused, not silently applied', () => {
  assert.ok(config({ OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Cumulative', OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'explicit_bucket_histogram' }));
  const result = loadConfig({ OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta', OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'base2_exponential_bucket_histogram' }, '/');
  assert.ok(!result.ok);
  assert.deepEqual(result.problems.map((p) => p.variable), ['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', 'OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION']);
  assert.match(result.problems[0]!.reason, /^only cumulative is supported: .*cumulativetodelta/);
});

test('a batch set larger than its queue is refused; the default batch size shrinks to a smaller queue', () => {
  const result = loadConfig({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '101', OTEL_BLRP_MAX_QUEUE_SIZE: '100' }, '/');
  assert.ok(!result.ok);
  assert.deepEqual(result.problems, [{ variable: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', reason: 'must not be more than OTEL_BSP_MAX_QUEUE_SIZE (100), got 101' }]);
  const { telemetry } = config({ OTEL_BSP_MAX_QUEUE_SIZE: '256' }).config;
  assert.deepEqual(telemetry.spans, { delayMs: 5000, maxQueueSize: 256, maxBatchSize: 256 });
  assert.equal(telemetry.logRecords.maxBatchSize, 512);
});

test('standard variables Lumetry does not read are named in a warning', () => {
  const { warnings } = config({ OTEL_SERVICE_NAME: 'payments', OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: '/keys/client.pem', OTEL_BSP_EXPORT_TIMEOUT: '1000', OTEL_TRACES_EXPORTER: 'otlp' });
  assert.deepEqual(warnings, [
    'OTEL_BSP_EXPORT_TIMEOUT is not used by Lumetry and is ignored',
    'OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY is not used by Lumetry and is ignored: client certificates (mTLS) are not offered: put a local Collector in front',
    'OTEL_SERVICE_NAME is not used by Lumetry and is ignored: service.name is each process’s own (ingest-api, console, worker); OTEL_RESOURCE_ATTRIBUTES adds service.namespace and the like',
  ]);
});

test('every bad OpenTelemetry variable is listed at once, header values never repeated', () => {
  const result = loadConfig(
    {
      OTEL_TRACES_EXPORTER: 'jaeger',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317',
      OTEL_EXPORTER_OTLP_HEADERS: 'just-a-s3cr3t-token',
      OTEL_EXPORTER_OTLP_TIMEOUT: '0',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
      OTEL_SDK_DISABLED: 'yes',
    },
    '/',
  );
  assert.ok(!result.ok);
  assert.deepEqual(result.problems.map((p) => p.variable).sort(), [
    'OTEL_EXPORTER_OTLP_COMPRESSION',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_EXPORTER_OTLP_HEADERS',
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'OTEL_EXPORTER_OTLP_TIMEOUT',
    'OTEL_SDK_DISABLED',
    'OTEL_TRACES_EXPORTER',
    'OTEL_TRACES_SAMPLER',
    'OTEL_TRACES_SAMPLER_ARG',
  ]);
  assert.doesNotMatch(JSON.stringify(result.problems), /s3cr3t/);
  assert.match(result.problems.find((p) => p.variable === 'OTEL_EXPORTER_OTLP_PROTOCOL')!.reason, /must be one of grpc, http\/protobuf/);
});
