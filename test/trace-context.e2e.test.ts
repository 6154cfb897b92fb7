// A caller's W3C trace context, end to end through three real processes, a real OTLP receiver and a
// real webhook receiver: its tracestate reaches every span of the work and every webhook request,
// with traces on and off; and the spans carry what the semantic conventions ask of a batch publish
// (its message count), a failed attempt (error.type), a resent request (resend_count), a server
// span (the server's address and port) and a method outside the known set (named HTTP, the method
// kept as method_original).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type OtlpReceiver, startOtlpReceiver } from './helpers/otlp-receiver.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { startReceiver } from './helpers/receiver.ts';
import { sqlTargets, type TestDatabase } from './helpers/sql-targets.ts';
import { addDestination, createTenant, startStack } from './helpers/stack.ts';

const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
const caller = { traceId: '5cf92f3577b34da6a3ce929d0e0e4737', spanId: '10f067aa0ba902b8' };
const tracestate = 'vendor=abc,other=xyz';
const quick = { LUMETRY_WORKER_IDLE_POLL_MS: '50', LUMETRY_DELIVERY_BACKOFF_BASE_MS: '50', LUMETRY_DELIVERY_BACKOFF_MAX_MS: '200' };

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

/** Sends two events with the caller's traceparent and tracestate, and a PURGE; resolves when both destinations have had them. */
async function run(settings: Record<string, string>, tenantName: string) {
  const webhook = await startReceiver();
  webhook.on('/ok', () => new Response(null, { status: 204 }));
  // The first request to /flaky fails, so its delivery is attempted again.
  webhook.on('/flaky', (_request, earlier) => new Response(null, { status: earlier.length === 0 ? 500 : 204 }));
  const tenant = await createTenant(settings, tenantName);
  await addDestination(settings, tenant.id, `${webhook.url}/ok`);
  await addDestination(settings, tenant.id, `${webhook.url}/flaky`, '--event-type', 'order.flaky');
  const stack = await startStack(settings);
  try {
    const ingestUrl = stack.url('ingest-api');
    const response = await fetch(`${ingestUrl}/v1/events`, {
      method: 'POST',
      headers: { traceparent: `00-${caller.traceId}-${caller.spanId}-01`, tracestate, authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ id: 'tc-1', type: 'order.created', data: {} }, { id: 'tc-2', type: 'order.flaky', data: {} }] }),
    });
    assert.equal(response.status, 202);
    assert.equal((await fetch(`${ingestUrl}/v1/events`, { method: 'PURGE' })).status, 404);
    await webhook.until((got) => got.filter((r) => r.path === '/ok').length === 2 && got.filter((r) => r.path === '/flaky').length === 2, 20_000);
    return { webhook, port: Number(new URL(ingestUrl).port) };
  } finally {
    await stack.stop();
    await webhook.close();
  }
}

test('with traces on, the tracestate reaches every span and webhook, and spans carry batch counts, error types and resends', { timeout: 90_000 }, async () => {
  otlp.requests.length = 0;
  const settings = { ...(await sqlite.settings(database)), ...quick, OTEL_TRACES_EXPORTER: 'otlp', OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.httpUrl };
  const { webhook, port } = await run(settings, 'traced-state');
  await otlp.until((r) => r.spans().filter((s) => s.name === 'POST' && s.kind === 3).length === 4);

  for (const request of webhook.received) {
    assert.equal(request.headers.tracestate, tracestate, `${request.path} gets the caller's tracestate`);
    assert.match(request.headers.traceparent ?? '', new RegExp(`^00-${caller.traceId}-[0-9a-f]{16}-01$`));
  }
  const spans = otlp.spans().filter((s) => s.traceId === caller.traceId);
  for (const name of ['POST /v1/events', 'send ingest', 'process ingest', 'process delivery', 'POST']) {
    const named = spans.filter((s) => s.name === name);
    assert.ok(named.length > 0, `a ${name} span`);
    for (const span of named) assert.equal(span.traceState, tracestate, `${name} carries the tracestate`);
  }

  const server = spans.find((s) => s.name === 'POST /v1/events')!;
  assert.equal(server.attributes['server.address'], '127.0.0.1');
  assert.equal(server.attributes['server.port'], port);
  assert.equal(spans.find((s) => s.name === 'send ingest')!.attributes['messaging.batch.message_count'], 2);

  const attempts = spans.filter((s) => s.name === 'POST' && s.kind === 3);
  const resends = attempts.map((s) => `${String(s.attributes['http.response.status_code'])} resent ${String(s.attributes['http.request.resend_count'] ?? 'never')}`);
  assert.deepEqual(resends.sort(), ['204 resent 1', '204 resent never', '204 resent never', '500 resent never']);
  const failed = spans.filter((s) => s.name === 'process delivery' && s.statusCode === 2);
  assert.deepEqual(failed.map((s) => s.attributes['error.type']), ['500'], 'the failed attempt’s consumer span has its error type');
  assert.equal(spans.filter((s) => s.name === 'process delivery' && s.statusCode !== 2 && s.attributes['error.type'] === undefined).length, 3);

  const purge = otlp.spans().find((s) => s.kind === 2 && s.attributes['http.request.method_original'] === 'PURGE');
  assert.ok(purge, 'a span for the PURGE request');
  assert.equal(purge.name, 'HTTP');
  assert.equal(purge.attributes['http.request.method'], '_OTHER');
});

test('with traces off, the caller’s traceparent and tracestate still reach every webhook request unchanged', { timeout: 90_000 }, async () => {
  otlp.requests.length = 0;
  const settings = { ...(await sqlite.settings(database)), ...quick };
  const { webhook } = await run(settings, 'untraced-state');
  assert.equal(webhook.received.length, 4);
  for (const request of webhook.received) {
    assert.equal(request.headers.traceparent, `00-${caller.traceId}-${caller.spanId}-01`);
    assert.equal(request.headers.tracestate, tracestate);
  }
  assert.equal(otlp.requests.length, 0, 'nothing is exported');
});
