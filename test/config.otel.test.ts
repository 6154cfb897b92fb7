// The standard OpenTelemetry variables: export off by default, each signal on its own, generic and
// per-signal OTLP settings resolved as the specification says, bad values refused all at once, and
// header values (credentials) never displayed.
import assert from 'node:assert/strict';
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

test('the CA file is read at start-up; a missing one is a configuration error', () => {
  const file = join(dir.path, 'ca.pem');
  writeFileSync(file, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  assert.match(config({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_CERTIFICATE: file }).config.telemetry.export.traces?.certificate ?? '', /BEGIN CERTIFICATE/);
  const missing = loadConfig({ OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: join(dir.path, 'nope.pem') }, '/');
  assert.ok(!missing.ok);
  assert.match(missing.problems[0]!.reason, /cannot read file .*nope\.pem \(ENOENT\)/);
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
