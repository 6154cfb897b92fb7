// Server spans are our own records, encoded by our own protobuf writer: what a collector decodes
// must be the span the request described (ids, parent, name, kind, times, every attribute type,
// status, flags), SDK child spans must nest under it, and an unsampled caller means no export.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, ParentBasedSampler, type ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import { encodeServerSpans, type ServerSpanRecord, withServerSpans } from '../src/telemetry/otlp/server-spans.ts';
import { contextFromHeaders } from '../src/telemetry/trace-context.ts';
import { decodeSpans } from './helpers/otlp.ts';
import { messages, readMessage } from './helpers/protobuf.ts';

const resource = resourceFromAttributes({ 'service.name': 'ingest-api', 'process.pid': 42 });

function tracing() {
  const children: ReadableSpan[] = [];
  const ended: ServerSpanRecord[] = [];
  const sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() });
  const collect = { onStart: () => {}, onEnd: (span: ReadableSpan) => void children.push(span), forceFlush: async () => {}, shutdown: async () => {} };
  const provider = new TracerProvider({ resource, sampler, spanProcessors: [collect] });
  const tracer = withServerSpans(provider.getTracer('lumetry'), sampler, false, resource, (record) => void ended.push(record), SpanKind.SERVER);
  return { tracer, children, ended };
}

const caller = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

test('a server span decodes to what the request recorded, and SDK spans nest under it', () => {
  const { tracer, children, ended } = tracing();
  const headers: Record<string, string> = { traceparent: `00-${caller.traceId}-${caller.spanId}-01`, tracestate: 'vendor=opaque' };
  const parent = contextFromHeaders((name) => headers[name]);
  const before = BigInt(Date.now()) * 1_000_000n;
  const span = tracer.startSpan('POST', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'url.path': '/v1/événements', 'http.response.status_code': 0 } }, parent);
  tracer.startSpan('INSERT events', { kind: SpanKind.CLIENT }, trace.setSpan(parent, span)).end();
  span.updateName('POST /v1/events');
  span.setAttributes({ 'http.route': '/v1/events', 'http.response.status_code': 503, 'lumetry.ratio': 0.25, 'lumetry.offset': -3, 'lumetry.retried': true, 'lumetry.queues': ['ingest', 'delivery'] });
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
  span.end();
  span.setAttribute('http.route', '/changed/after/end');
  const after = BigInt(Date.now() + 1) * 1_000_000n;

  assert.equal(ended.length, 1, 'ended once, exported once');
  const body = encodeServerSpans(ended, resource);
  const [decoded] = decodeSpans(body);
  assert.deepEqual(decoded, {
    resource: { 'service.name': 'ingest-api', 'process.pid': 42 },
    traceId: caller.traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: caller.spanId,
    traceState: 'vendor=opaque',
    name: 'POST /v1/events',
    kind: 2,
    attributes: {
      'http.request.method': 'POST',
      'url.path': '/v1/événements',
      'http.route': '/v1/events',
      'http.response.status_code': 503,
      'lumetry.ratio': 0.25,
      'lumetry.offset': -3,
      'lumetry.retried': true,
      'lumetry.queues': ['ingest', 'delivery'],
    },
    statusCode: 2,
    links: [],
  });
  const raw = messages(messages(messages(readMessage(body), 1)[0]!, 2)[0]!, 2)[0]!;
  const time = (field: number) => Buffer.from(raw.get(field)![0] as Uint8Array).readBigUInt64LE(0);
  assert.ok(before <= time(7) && time(7) <= time(8) && time(8) <= after, 'start and end in nanoseconds since the epoch');
  assert.equal(Buffer.from(raw.get(16)![0] as Uint8Array).readUInt32LE(0), 0x301, 'sampled, and its parent was remote');
  assert.equal(new TextDecoder().decode(raw.get(3)![0] as Uint8Array), 'vendor=opaque');
  const keys = messages(raw, 9).map((pair) => new TextDecoder().decode(pair.get(1)![0] as Uint8Array));
  assert.equal(keys.filter((key) => key === 'http.response.status_code').length, 1, 'an attribute set again is sent once, as last set');
  const offset = messages(raw, 9).find((pair) => new TextDecoder().decode(pair.get(1)![0] as Uint8Array) === 'lumetry.offset')!;
  assert.ok(messages(offset, 2)[0]!.has(3), 'a negative whole number is an int, not a double');
  assert.equal(children[0]?.parentSpanContext?.spanId, span.spanContext().spanId, 'the storage span is the server span child');
});

test('a caller that did not sample gets no server span exported, and its children are not sampled', () => {
  const { tracer, children, ended } = tracing();
  const parent = contextFromHeaders((name) => (name === 'traceparent' ? `00-${caller.traceId}-${caller.spanId}-00` : undefined));
  const span = tracer.startSpan('GET', { kind: SpanKind.SERVER }, parent);
  assert.equal(span.isRecording(), false);
  const child = tracer.startSpan('SELECT', { kind: SpanKind.CLIENT }, trace.setSpan(parent, span));
  assert.equal(child.isRecording(), false);
  child.end();
  span.end();
  assert.equal(ended.length, 0);
  assert.equal(children.length, 0);
  assert.equal(span.spanContext().traceId, caller.traceId, 'the trace still carries on downstream');
});
