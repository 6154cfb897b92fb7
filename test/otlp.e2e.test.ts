// OTLP export seen from a real receiver that decodes the protobuf: each signal alone over each
// protocol (nothing else arrives), headers read from a file arrive as sent, one trace runs from an
// ingest request through the worker to the webhook (the worker's batch work in traces of its own,
// linked to it), a ratio sampler set by the standard variables records a trace in every process or
// in none, and with export off no connection is made.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import type { OtlpSpan } from './helpers/otlp.ts';
import { type OtlpReceiver, type Signal, startOtlpReceiver } from './helpers/otlp-receiver.ts';
import { assertNoneRunning, cleanEnv, start } from './helpers/processes.ts';
import { startReceiver } from './helpers/receiver.ts';
import { sqlTargets, type TestDatabase } from './helpers/sql-targets.ts';
import { addDestination, createTenant, ingest, startStack, waitUntilReady } from './helpers/stack.ts';

const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
const signals: readonly Signal[] = ['traces', 'metrics', 'logs'];
const exporterVariable: Record<Signal, string> = { traces: 'OTEL_TRACES_EXPORTER', metrics: 'OTEL_METRICS_EXPORTER', logs: 'OTEL_LOGS_EXPORTER' };
const fast = { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BLRP_SCHEDULE_DELAY: '100', OTEL_METRIC_EXPORT_INTERVAL: '300' };
const callerTrace = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };

let database: TestDatabase;
let otlp: OtlpReceiver;

before(async () => {
  database = await sqlite.create();
  otlp = await startOtlpReceiver();
});

after(async () => {
  await otlp.close();
  await database.destroy();
  assertNoneRunning();
});

/** Settings for the whole stack with traces exported and the worker polling often; `extra` adds to them. */
async function pipelineTraced(extra: Record<string, string>): Promise<Record<string, string>> {
  return { ...(await sqlite.settings(database)), ...fast, LUMETRY_WORKER_IDLE_POLL_MS: '50', OTEL_TRACES_EXPORTER: 'otlp', ...extra };
}

/** Starts ingest-api alone with `settings`, sends one refused request carrying the caller's trace. */
async function ingestApiWith(settings: Record<string, string>) {
  const env = cleanEnv({ ...(await sqlite.settings(database)), LUMETRY_INGEST_API_PORT: '0', ...settings });
  const process = start('src/main/ingest-api', [], env);
  const port = ((await process.waitForLog((e) => e.message === 'listening')).server as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url);
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { traceparent: `00-${callerTrace.traceId}-${callerTrace.spanId}-01`, authorization: 'Bearer lum_ingest_unknown', 'content-type': 'application/json' },
    body: '{"type":"t","data":{}}',
  });
  assert.equal(response.status, 401);
  const body = (await response.json()) as { requestId: string };
  assert.equal(response.headers.get('x-request-id'), body.requestId, 'the request id is answered in the header, as in the body');
  return {
    stop: async () => {
      process.child.kill('SIGTERM');
      assert.equal((await process.exited).code, 0, process.stderr.join('\n'));
    },
  };
}

for (const protocol of ['http/protobuf', 'grpc'] as const) {
  describe(`OTLP over ${protocol}`, () => {
    for (const signal of signals) {
      test(`${signal} alone arrive, with the headers from the headers file and the signal’s own`, { timeout: 60_000 }, async () => {
        otlp.requests.length = 0;
        const headersFile = join(database.location, `otlp-headers-${signal}`);
        writeFileSync(headersFile, 'authorization=Bearer collector-token\nx-scope=team%20a\n');
        const process = await ingestApiWith({
          ...fast,
          [exporterVariable[signal]]: 'otlp',
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_EXPORTER_OTLP_ENDPOINT: protocol === 'grpc' ? otlp.grpcUrl : otlp.httpUrl,
          OTEL_EXPORTER_OTLP_HEADERS_FILE: headersFile,
          [`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_HEADERS`]: 'X-Scope=team%20b',
          OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=lumetry-tests',
        });
        try {
          if (signal === 'traces') await otlp.until((r) => r.spans().some((s) => s.name === 'POST /v1/events'));
          if (signal === 'metrics') await otlp.until((r) => r.metrics().some((m) => m.name === 'http.server.request.duration'));
          if (signal === 'logs') await otlp.until((r) => r.logRecords().some((l) => l.body === 'POST /v1/events 401'));
        } finally {
          await process.stop();
        }
        assert.deepEqual([...new Set(otlp.requests.map((r) => `${r.protocol} ${r.signal}`))], [`${protocol} ${signal}`], 'only the signal switched on is sent');
        for (const request of otlp.requests) {
          assert.equal(request.headers.authorization, 'Bearer collector-token');
          assert.equal(request.headers['x-scope'], 'team b', 'the signal’s header replaces the file’s, whatever its case, and is sent once, percent-decoded');
        }
        const resources = [...otlp.spans(), ...otlp.metrics(), ...otlp.logRecords()].map((item) => item.resource);
        assert.ok(resources.length > 0);
        for (const resource of resources) {
          assert.equal(resource['service.name'], 'ingest-api');
          assert.equal(resource['service.namespace'], 'lumetry-tests');
          assert.equal(typeof resource['service.instance.id'], 'string');
        }
        if (signal === 'traces') {
          const server = otlp.spans().find((s) => s.name === 'POST /v1/events')!;
          assert.equal(server.traceId, callerTrace.traceId, 'the caller’s trace continues');
          assert.equal(server.parentSpanId, callerTrace.spanId);
          assert.equal(server.kind, 2);
          assert.equal(server.attributes['http.route'], '/v1/events');
          assert.equal(server.attributes['http.response.status_code'], 401);
        }
        if (signal === 'logs') {
          const event = otlp.logRecords().find((l) => l.body === 'POST /v1/events 401')!;
          assert.equal(event.severityText, 'INFO');
          assert.equal(event.attributes['http.response.status_code'], 401);
          assert.equal(event.attributes['url.path'], '/v1/events');
        }
      });
    }
  });
}

test('an event with an error is a log record with the exception attributes of the semantic conventions', { timeout: 60_000 }, async () => {
  // A database nothing listens on: the process keeps retrying it, logging why at warn.
  const env = cleanEnv({ LUMETRY_DATABASE_URL: 'postgres://lumetry@127.0.0.1:1/lumetry', LUMETRY_INGEST_API_PORT: '0', ...fast, OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.httpUrl });
  const api = start('src/main/ingest-api', [], env);
  try {
    const line = await api.waitForLog((e) => String(e.message).startsWith('storage is not reachable yet'));
    const { error } = line as { error: { type: string; message: string } };
    await otlp.until((r) => r.logRecords().some((l) => String(l.body).startsWith('storage is not reachable yet')));
    const record = otlp.logRecords().find((l) => String(l.body).startsWith('storage is not reachable yet'))!;
    assert.equal(record.attributes['exception.type'], error.type);
    assert.equal(record.attributes['error.type'], error.type);
    assert.equal(record.attributes['exception.message'], error.message);
    assert.match(String(record.attributes['exception.stacktrace']), new RegExp(`^${error.type}`));
    assert.equal(record.attributes['error.message'], undefined, 'not under the ECS names, which the conventions deprecate or lack');
    assert.equal(record.attributes['error.stack_trace'], undefined);
  } finally {
    api.child.kill('SIGTERM');
    await api.exited;
  }
});

test('with export off, or the SDK disabled, no connection is made to the endpoint', { timeout: 60_000 }, async () => {
  let connections = 0;
  const listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(listener.address() as { port: number }).port}`;
  try {
    const off: Record<string, string>[] = [{}, { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: 'otlp' }];
    for (const settings of off) {
      const process = await ingestApiWith({ ...fast, ...settings, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await process.stop();
    }
  } finally {
    await new Promise((resolve) => listener.close(resolve));
  }
  assert.equal(connections, 0);
});

test('one trace runs from the ingest request through fan-out to the webhook', { timeout: 90_000 }, async () => {
  otlp.requests.length = 0;
  const webhook = await startReceiver();
  const settings = await pipelineTraced({ OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.grpcUrl });
  try {
    const tenant = await createTenant(settings, 'traced');
    await addDestination(settings, tenant.id, `${webhook.url}/hook`);
    const stack = await startStack(settings);
    let sent = 0;
    let answered = 0;
    try {
      sent = Date.now();
      const response = await fetch(`${stack.url('ingest-api')}/v1/events`, {
        method: 'POST',
        headers: { traceparent: `00-${callerTrace.traceId}-${callerTrace.spanId}-01`, authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'traced-1', type: 'order.created', data: {} }),
      });
      answered = Date.now();
      assert.equal(response.status, 202);
      await webhook.until((got) => got.length === 1);
      await otlp.until((r) => r.spans().some((s) => s.name === 'POST' && s.kind === 3) && r.spans().some((s) => s.name === 'settle delivery'));
    } finally {
      await stack.stop();
    }
    assert.ok(!otlp.spans().some((s) => s.attributes['url.path'] === '/readyz'), 'probes make no spans');
    const spans = otlp.spans().filter((s) => s.traceId === callerTrace.traceId);
    const one = (name: string, kind: number, parent: OtlpSpan | { spanId: string }) => {
      const found = spans.find((s) => s.name === name && s.kind === kind && s.parentSpanId === parent.spanId);
      assert.ok(found, `a ${name} span (kind ${kind}) under ${parent.spanId}; spans: ${spans.map((s) => `${s.name}/${s.kind}/${s.parentSpanId}`).join(', ')}`);
      return found;
    };
    const server = one('POST /v1/events', 2, callerTrace);
    assert.equal(server.resource['service.name'], 'ingest-api');
    const send = one('send ingest', 4, server);
    const accept = one('store acceptEvents', 1, send);
    assert.equal(one('INSERT events', 3, accept).attributes['db.system.name'], 'sqlite', 'each statement has a span under its store call');
    const fanOut = one('process ingest', 5, send);
    assert.equal(fanOut.resource['service.name'], 'worker');
    const delivery = one('process delivery', 5, fanOut);
    const attempt = one('POST', 3, delivery);
    assert.equal(attempt.attributes['http.response.status_code'], 204);
    assert.equal(attempt.attributes['url.full'], undefined, 'no webhook URL on the span');
    assert.equal(webhook.received[0]!.headers.traceparent, `00-${callerTrace.traceId}-${attempt.spanId}-01`, 'the webhook continues the same trace');
    // The batch work around them: a trace of its own each, linked to the item's span, with the store call under it and its statements under that.
    const batch = (name: string, kind: number, item: OtlpSpan, storeCall: string) => {
      const found = otlp.spans().find((s) => s.name === name && s.kind === kind && s.links.some((l) => l.traceId === item.traceId && l.spanId === item.spanId));
      assert.ok(found, `a ${name} span linked to ${item.name}`);
      assert.notEqual(found.traceId, item.traceId, 'a batch span starts its own trace');
      assert.equal(found.resource['service.name'], 'worker');
      assert.equal(found.attributes['messaging.batch.message_count'], 1);
      const call = otlp.spans().find((s) => s.name === `store ${storeCall}` && s.kind === 1 && s.parentSpanId === found.spanId);
      assert.ok(call, `store ${storeCall} under ${name}`);
      assert.ok(otlp.spans().some((s) => s.kind === 3 && s.parentSpanId === call.spanId && s.attributes['db.system.name'] === 'sqlite'), `the statements of store ${storeCall} under it`);
    };
    batch('fan_out ingest', 5, fanOut, 'fanOut');
    batch('receive delivery', 3, fanOut, 'loadDeliveryJobs');
    batch('settle delivery', 3, delivery, 'recordDeliveryOutcomes');
    const record = otlp.logRecords().find((l) => l.body === 'POST /v1/events 202');
    assert.equal(record?.traceId, callerTrace.traceId, 'the request event’s log record carries the trace');
    assert.equal(record?.spanId, server.spanId);
    const recorded = Number(record!.timeUnixNano / 1_000_000n);
    assert.ok(recorded >= sent && recorded <= answered, 'the record has the time of the request, not of its making');
    const line = stack.processes.get('ingest-api')!.stdout.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.message === 'POST /v1/events 202');
    assert.equal(line?.['trace.id'], callerTrace.traceId, 'the request event’s ECS line carries the trace');
    assert.equal(line?.['span.id'], server.spanId);
    assert.equal(line?.['transaction.id'], server.spanId, 'the server span is the request’s transaction');
  } finally {
    await webhook.close();
  }
});

test('a ratio sampler from the standard variables records whole traces or none, ingest to webhook', { timeout: 90_000 }, async () => {
  otlp.requests.length = 0;
  const webhook = await startReceiver();
  const settings = await pipelineTraced({
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.5',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.httpUrl,
  });
  const randomHex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
  // New traces, decided by the ratio; callers' traces, decided by the caller's sampled flag.
  const sent = [
    ...Array.from({ length: 24 }, () => ({ traceparent: undefined as string | undefined })),
    ...Array.from({ length: 4 }, () => ({ traceparent: `00-${randomHex(16)}-${randomHex(8)}-01` })),
    ...Array.from({ length: 4 }, () => ({ traceparent: `00-${randomHex(16)}-${randomHex(8)}-00` })),
  ].map((request, i) => ({ ...request, eventId: `sampled-${i}`, requestId: '' }));
  try {
    const tenant = await createTenant(settings, 'sampled');
    await addDestination(settings, tenant.id, `${webhook.url}/hook`);
    const stack = await startStack(settings);
    let lines: Record<string, string>[] = [];
    try {
      for (const request of sent) {
        const response = await fetch(`${stack.url('ingest-api')}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json', ...(request.traceparent ? { traceparent: request.traceparent } : {}) },
          body: JSON.stringify({ id: request.eventId, type: 'order.created', data: {} }),
        });
        assert.equal(response.status, 202);
        request.requestId = response.headers.get('x-request-id')!;
      }
      await webhook.until((got) => got.length === sent.length);
    } finally {
      await stack.stop();
      lines = stack.processes.get('ingest-api')!.stdout.map((text) => JSON.parse(text) as Record<string, string>);
    }
    const traceOf = (requestId: string) => lines.find((line) => line.message === 'POST /v1/events 202' && (line as Record<string, any>).http.request.id === requestId)?.['trace.id'];
    const exportedTraces = new Set(otlp.spans().map((span) => span.traceId));
    const ratio = new TraceIdRatioBasedSampler(0.5);
    let newTracesRecorded = 0;
    for (const [i, request] of sent.entries()) {
      const traceId = traceOf(request.requestId);
      assert.ok(traceId, `the request event of ${request.eventId} carries its trace, sampled or not`);
      if (request.traceparent) assert.equal(traceId, request.traceparent.split('-')[1], 'a caller’s trace continues');
      const sampled = request.traceparent ? request.traceparent.endsWith('-01') : ratio.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
      if (i < 24 && sampled) newTracesRecorded++;
      const spans = otlp.spans().filter((span) => span.traceId === traceId);
      if (sampled) {
        for (const [name, kind, service] of [['POST /v1/events', 2, 'ingest-api'], ['process ingest', 5, 'worker'], ['process delivery', 5, 'worker'], ['POST', 3, 'worker']] as const) {
          assert.ok(spans.some((span) => span.name === name && span.kind === kind && span.resource['service.name'] === service), `${request.eventId}: sampled, so its ${name} span is exported`);
        }
      } else assert.ok(!exportedTraces.has(traceId), `${request.eventId}: not sampled, so no span of its trace is exported, by any process`);
      const delivered = webhook.received.find((got) => got.headers['lumetry-event-id'] === request.eventId);
      assert.match(delivered?.headers.traceparent ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-0${sampled ? 1 : 0}$`), `${request.eventId}: the webhook continues the trace with its decision`);
    }
    assert.ok(newTracesRecorded > 0 && newTracesRecorded < 24, `the ratio recorded some new traces, not all (${newTracesRecorded} of 24)`);
  } finally {
    await webhook.close();
  }
});
