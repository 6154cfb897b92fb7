// OTLP to an HTTPS / gRPC-over-TLS collector whose certificate the host does not trust: with its CA
// given in OTEL_EXPORTER_OTLP_CERTIFICATE telemetry arrives; without it the server is refused (the
// host's trust store does not sign it), nothing arrives, and the loss is counted and logged. The
// certificate is made for the test with openssl (Debian's openssl package).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type OtlpReceiver, startOtlpReceiver } from './helpers/otlp-receiver.ts';
import { assertNoneRunning, cleanEnv, type Started, start } from './helpers/processes.ts';
import { sqlTargets, type TestDatabase } from './helpers/sql-targets.ts';
import { waitUntilReady } from './helpers/stack.ts';

const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
let database: TestDatabase;
let receiver: OtlpReceiver;
let certificate: string;

before(async () => {
  database = await sqlite.create();
  const key = join(database.location, 'collector-key.pem');
  certificate = join(database.location, 'collector-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', certificate, '-days', '2', '-subj', '/CN=lumetry test collector', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  receiver = await startOtlpReceiver({ tls: { key: readFileSync(key, 'utf8'), cert: readFileSync(certificate, 'utf8') } });
});

after(async () => {
  await receiver.close();
  await database.destroy();
  assertNoneRunning();
});

async function ingestApi(settings: Record<string, string>): Promise<{ process: Started; url: string }> {
  const env = cleanEnv({ ...(await sqlite.settings(database)), LUMETRY_INGEST_API_PORT: '0', OTEL_TRACES_EXPORTER: 'otlp', OTEL_BSP_SCHEDULE_DELAY: '100', ...settings });
  const process = start('src/main/ingest-api', [], env);
  const url = `http://127.0.0.1:${((await process.waitForLog((e) => e.message === 'listening')).server as { port: number }).port}`;
  await waitUntilReady(url);
  assert.equal((await fetch(`${url}/v1/nothing`)).status, 404);
  return { process, url };
}

for (const protocol of ['http/protobuf', 'grpc'] as const) {
  // gRPC by host name: Bun's TLS refuses an IP address as the server name grpc-js sends (Node allows it).
  const endpoint = () => (protocol === 'grpc' ? receiver.grpcUrl.replace('127.0.0.1', 'localhost') : receiver.httpUrl);

  test(`over ${protocol} with TLS: the CA file makes the collector trusted`, { timeout: 60_000 }, async () => {
    receiver.requests.length = 0;
    const { process } = await ingestApi({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(), OTEL_EXPORTER_OTLP_CERTIFICATE: certificate });
    try {
      await receiver.until((r) => r.spans().some((s) => s.name === 'GET' && s.attributes['url.path'] === '/v1/nothing'));
    } finally {
      process.child.kill('SIGTERM');
      assert.equal((await process.exited).code, 0);
    }
  });

  test(`over ${protocol} with TLS: without the CA the collector is refused, and the loss is counted`, { timeout: 60_000 }, async () => {
    receiver.requests.length = 0;
    const { process, url } = await ingestApi({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(), OTEL_EXPORTER_OTLP_TIMEOUT: '2000' });
    try {
      await process.waitForLog((e) => String(e.message).startsWith('OTLP traces export failed'), 30_000);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /^lumetry_telemetry_dropped_total\{lumetry_signal="traces",lumetry_reason="export_failed",otel_scope_name="lumetry"\} [1-9]/m);
    } finally {
      process.child.kill('SIGTERM');
      assert.equal((await process.exited).code, 0);
    }
    assert.equal(receiver.requests.length, 0, 'no export reached the untrusted collector');
  });
}
