// A collector that is down, answers 401, or answers too slowly, while 10,000 requests run: every
// request is served, the process stays ready, telemetry is dropped and counted (never queued without
// bound), and the failure is logged once, not once per export. A collector that acknowledges exports
// but refuses some of their items (partial success) has those counted as dropped. And a gRPC
// collector that goes away under load and comes back on the same port receives spans again.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { startOtlpReceiver } from './helpers/otlp-receiver.ts';
import { assertNoneRunning, cleanEnv, type Started, start } from './helpers/processes.ts';
import { sqlTargets, type TestDatabase } from './helpers/sql-targets.ts';
import { waitUntilReady } from './helpers/stack.ts';

const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
let database: TestDatabase;

before(async () => {
  database = await sqlite.create();
});

after(async () => {
  await database.destroy();
  assertNoneRunning();
});

const everySignal = {
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_METRICS_EXPORTER: 'otlp',
  OTEL_LOGS_EXPORTER: 'otlp',
  OTEL_BSP_SCHEDULE_DELAY: '100',
  OTEL_BLRP_SCHEDULE_DELAY: '100',
  OTEL_METRIC_EXPORT_INTERVAL: '500',
  OTEL_BSP_MAX_QUEUE_SIZE: '256',
  OTEL_BLRP_MAX_QUEUE_SIZE: '256',
  OTEL_EXPORTER_OTLP_TIMEOUT: '500',
  OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer otlp-fault-secret',
};

async function ingestApi(settings: Record<string, string>): Promise<{ process: Started; url: string }> {
  const process = start('src/main/ingest-api', [], cleanEnv({ ...(await sqlite.settings(database)), LUMETRY_INGEST_API_PORT: '0', ...everySignal, ...settings }));
  const port = ((await process.waitForLog((e) => e.message === 'listening')).server as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url);
  return { process, url };
}

/** Sends `count` refused ingest requests, `concurrency` at a time; resolves the statuses seen. */
async function load(url: string, count: number, concurrency = 32): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let sent = 0;
  const client = async () => {
    while (sent < count) {
      sent++;
      const response = await fetch(`${url}/v1/events`, { method: 'POST', headers: { authorization: 'Bearer lum_ingest_unknown', 'content-type': 'application/json' }, body: '{"type":"t","data":{}}' });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return statuses;
}

function sample(metrics: string, name: string, labels: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function freePort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as { port: number };
  await new Promise((resolve) => listener.close(resolve));
  return port;
}

const faults = [
  { name: 'down (nothing listens)', protocol: 'http/protobuf', behaviour: undefined },
  { name: 'refusing with 401', protocol: 'grpc', behaviour: { unauthorized: true } },
  { name: 'slower than the export timeout', protocol: 'http/protobuf', behaviour: { delayMs: 2_000 } },
] as const;

for (const fault of faults) {
  test(`collector ${fault.name} over ${fault.protocol}: 10,000 requests served, telemetry dropped and counted`, { timeout: 120_000 }, async () => {
    const receiver = fault.behaviour ? await startOtlpReceiver() : undefined;
    receiver?.behave(fault.behaviour ?? {});
    const endpoint = receiver ? (fault.protocol === 'grpc' ? receiver.grpcUrl : receiver.httpUrl) : `http://127.0.0.1:${await freePort()}`;
    const { process, url } = await ingestApi({ OTEL_EXPORTER_OTLP_PROTOCOL: fault.protocol, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    try {
      const statuses = await load(url, 10_000);
      assert.deepEqual([...statuses], [[401, 10_000]], 'every request answered');
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const metrics = await (await fetch(`${url}/metrics`)).text();
      // Every reason on the way to the collector (a full queue, a failed export), summed; stdout's own drops are not part of it.
      const dropped = (signal: string) =>
        metrics
          .split('\n')
          .filter((l) => l.startsWith('lumetry_telemetry_dropped_total{') && l.includes(`lumetry_signal="${signal}"`) && !l.includes('lumetry_reason="stdout_full"'))
          .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      assert.ok(dropped('traces') > 1_000, `most spans dropped and counted (${dropped('traces')})`);
      assert.ok(dropped('logs') > 1_000, `most log records dropped and counted (${dropped('logs')})`);
      assert.ok(dropped('metrics') > 0, 'failed metric exports counted');
      assert.equal(sample(metrics, 'lumetry_telemetry_exported_total', 'lumetry_signal="traces"'), 0);
      const rss = sample(metrics.replace(/^process_memory_usage_bytes /m, 'process_memory_usage_bytes{} '), 'process_memory_usage_bytes', '');
      assert.ok(rss > 0 && rss < 400 * 2 ** 20, `resident memory stays bounded (${Math.round(rss / 2 ** 20)} MiB)`);
    } finally {
      process.child.kill('SIGTERM');
      assert.equal((await process.exited).code, 0, 'stops cleanly even with export failing');
      await receiver?.close();
    }
    const failures = process.stdout.filter((line) => line.includes('export failed'));
    for (const signal of ['traces', 'logs']) {
      const logged = failures.filter((line) => line.includes(`OTLP ${signal} export failed`)).length;
      assert.ok(logged >= 1 && logged <= 2, `${signal} export failures logged at a limited rate (${logged} lines)`);
    }
    assert.ok(process.stdout.every((line) => !line.includes('otlp-fault-secret')), 'the OTLP header never reaches the log');
  });
}

for (const protocol of ['http/protobuf', 'grpc'] as const) {
  test(`a collector over ${protocol} that accepts each export but refuses part of it: the refused items are dropped and counted, not exported`, { timeout: 60_000 }, async () => {
    const receiver = await startOtlpReceiver();
    receiver.behave({ refuse: { count: 1, message: 'attribute value too long' } });
    const { process, url } = await ingestApi({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_ENDPOINT: protocol === 'grpc' ? receiver.grpcUrl : receiver.httpUrl });
    try {
      await load(url, 200, 8);
      await receiver.until((r) => r.spans().length >= 200 && r.logRecords().length >= 200 && r.requests.some((request) => request.signal === 'metrics'));
      // The last exports' answers are counted once they arrive; nothing more is sent meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const exports = (signal: string) => receiver.requests.filter((request) => request.signal === signal).length;
      for (const [signal, received] of [['traces', receiver.spans().length], ['logs', receiver.logRecords().length]] as const) {
        const refused = sample(metrics, 'lumetry_telemetry_dropped_total', `lumetry_signal="${signal}",lumetry_reason="refused"`);
        const exported = sample(metrics, 'lumetry_telemetry_exported_total', `lumetry_signal="${signal}"`);
        assert.equal(refused, exports(signal), `${signal}: one item refused in each export`);
        assert.equal(exported + refused, received, `${signal}: every item the collector received is counted once, as exported or as refused`);
      }
      assert.ok(sample(metrics, 'lumetry_telemetry_dropped_total', 'lumetry_signal="metrics",lumetry_reason="refused"') >= 1, 'refused metric data points counted');
    } finally {
      process.child.kill('SIGTERM');
      assert.equal((await process.exited).code, 0);
      await receiver.close();
    }
    const warnings = process.stdout.filter((line) => line.includes('OTLP traces export partly refused by the endpoint'));
    assert.ok(warnings.length >= 1 && warnings.length <= 2, `refusals logged at a limited rate (${warnings.length} lines)`);
    assert.equal(JSON.parse(warnings[0]!).error.message, 'attribute value too long', 'the collector’s reason is logged');
    assert.ok(process.stdout.every((line) => !line.includes('otlp-fault-secret')), 'the OTLP header never reaches the log');
  });
}

test('a gRPC collector that goes away under load and comes back receives spans again', { timeout: 120_000 }, async () => {
  const first = await startOtlpReceiver();
  const grpcPort = Number(new URL(first.grpcUrl).port);
  const { process, url } = await ingestApi({
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_BSP_MAX_QUEUE_SIZE: '4096',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_EXPORTER_OTLP_ENDPOINT: first.grpcUrl,
  });
  try {
    assert.deepEqual([...(await load(url, 2_000))], [[401, 2_000]]);
    await first.until((r) => r.spans().length >= 1_000);
    await first.close();
    assert.deepEqual([...(await load(url, 2_000))], [[401, 2_000]], 'served while the collector is away');
    const second = await startOtlpReceiver({ grpc: grpcPort });
    try {
      // The exporter's channel reconnects with back-off; requests keep coming meanwhile.
      const deadline = Date.now() + 60_000;
      while (second.spans().length < 500 && Date.now() < deadline) assert.deepEqual([...(await load(url, 200))], [[401, 200]]);
      assert.ok(second.spans().length >= 500, `spans arrive again (${second.spans().length})`);
    } finally {
      await second.close();
    }
  } finally {
    process.child.kill('SIGTERM');
    assert.equal((await process.exited).code, 0);
  }
});
