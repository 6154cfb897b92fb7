// The egress proxy set by the standard variables (here from a secret file) carries every outbound
// connection of the whole stack, on Bun and on Node alike: a webhook delivery, OTLP traces over HTTP
// and OTLP logs over gRPC all reach hosts that exist only beyond a real proxy, while a host listed
// in NO_PROXY is reached directly, and grpc-js's own grpc_proxy is set aside (with a warning). The
// proxy's password appears in no log line.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startForwardProxy } from './helpers/forward-proxy.ts';
import { startOtlpReceiver } from './helpers/otlp-receiver.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { startReceiver } from './helpers/receiver.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { addDestination, createTenant, startStack } from './helpers/stack.ts';

const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;

after(assertNoneRunning);

/** `url` (http://127.0.0.1:port) under a name only the proxy's side of the network resolves. */
const beyondProxy = (url: string, name: string) => url.replace('127.0.0.1', `${name}.test`);

test('deliveries and OTLP export over HTTP and gRPC go through the proxy; NO_PROXY hosts do not', { timeout: 90_000 }, async () => {
  const database = await sqlite.create();
  const proxy = await startForwardProxy();
  const otlp = await startOtlpReceiver();
  const webhook = await startReceiver();
  const proxyFile = join(database.location, 'http-proxy');
  writeFileSync(proxyFile, `${proxy.url.replace('http://', 'http://lumetry:pr0xy-s3cret@')}\n`);
  const settings = {
    ...(await sqlite.settings(database)),
    LUMETRY_WORKER_IDLE_POLL_MS: '50',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_BLRP_SCHEDULE_DELAY: '100',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${beyondProxy(otlp.httpUrl, 'collector')}/v1/traces`,
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc',
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: beyondProxy(otlp.grpcUrl, 'collector'),
    // From a secret file, which no client reads by itself, and a lower-case spelling.
    HTTP_PROXY_FILE: proxyFile,
    no_proxy: 'localhost,127.0.0.1',
    // Read by grpc-js alone, ahead of the others, and pointing nowhere: Lumetry's checked values win.
    grpc_proxy: 'http://127.0.0.1:9',
  };
  try {
    const tenant = await createTenant(settings, 'proxied');
    await addDestination(settings, tenant.id, `${beyondProxy(webhook.url, 'hooks')}/beyond`);
    await addDestination(settings, tenant.id, `${webhook.url}/direct`);
    const stack = await startStack(settings);
    try {
      const response = await fetch(`${stack.url('ingest-api')}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'proxied-1', type: 'order.created', data: {} }),
      });
      assert.equal(response.status, 202);
      await webhook.until((got) => got.some((r) => r.path === '/beyond') && got.some((r) => r.path === '/direct'));
      await otlp.until((r) => r.spans().some((s) => s.resource['service.name'] === 'worker' && s.name === 'POST') && r.logRecords().some((l) => l.body === 'POST /v1/events 202'));
    } finally {
      await stack.stop();
    }
    const lines = [...stack.processes.values()].flatMap((p) => [...p.stdout, ...p.stderr]).join('\n');
    const targets = new Set(proxy.visits.map((visit) => visit.target));
    const port = (url: string) => new URL(url).port;
    assert.ok(targets.has(`hooks.test:${port(webhook.url)}`), `the delivery went through the proxy; it saw ${[...targets].join(', ')}`);
    assert.ok(targets.has(`collector.test:${port(otlp.httpUrl)}`), `OTLP over HTTP went through the proxy; it saw ${[...targets].join(', ')}`);
    assert.ok(targets.has(`collector.test:${port(otlp.grpcUrl)}`), `OTLP over gRPC went through the proxy; it saw ${[...targets].join(', ')}`);
    assert.ok(![...targets].some((target) => target.startsWith('127.0.0.1')), 'a NO_PROXY host is reached directly');
    assert.equal(webhook.received.filter((r) => r.path === '/beyond').length, 1, 'delivered once through the proxy');
    assert.doesNotMatch(lines, /pr0xy-s3cret/);
    assert.match(lines, /"message":"grpc_proxy is ignored: every outbound client, OTLP over gRPC included, uses HTTPS_PROXY, HTTP_PROXY and NO_PROXY"/);
  } finally {
    await webhook.close();
    await otlp.close();
    await proxy.close();
    await database.destroy();
  }
});
