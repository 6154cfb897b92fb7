// A server span's ids are numbers, written straight into its OTLP span, its request event's OTLP
// log record and its ECS line; the hexadecimal strings are made only when asked for (child spans,
// traceparent). Every one of those must name the same trace and span, for new traces and for a
// caller's, whatever the ids' bits (words with the top bit set read as negative if mishandled).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, ParentBasedSampler, type ReadableSpan, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { JsonBytes } from '../src/telemetry/json-bytes.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { ProtobufWriter } from '../src/telemetry/otlp/protobuf-writer.ts';
import { encodeRequestLogRecords } from '../src/telemetry/otlp/request-log-records.ts';
import { encodeServerSpans, type ServerSpanRecord, withServerSpans } from '../src/telemetry/otlp/server-spans.ts';
import { ServerSpanContext } from '../src/telemetry/span-ids.ts';
import { decodeLogRecords, decodeSpans } from './helpers/otlp.ts';
import { hex, readMessage } from './helpers/protobuf.ts';

const resource = resourceFromAttributes({ 'service.name': 'ingest-api' });

test('new ids are valid, distinct, and their strings are the bytes written', () => {
  const seen = new Set<string>();
  const writer = new ProtobufWriter();
  const json = new JsonBytes(64, 1024);
  for (let i = 0; i < 2_000; i++) {
    const ids = new ServerSpanContext(undefined);
    assert.match(ids.traceId, /^[0-9a-f]{32}$/);
    assert.match(ids.spanId, /^[0-9a-f]{16}$/);
    assert.ok(trace.isSpanContextValid(ids), 'never all zeros');
    seen.add(ids.traceId);
    writer.reset();
    writer.id128(1, ids.trace0, ids.trace1, ids.trace2, ids.trace3);
    writer.id64(2, ids.span0, ids.span1);
    const message = readMessage(writer.finish());
    assert.equal(hex(message, 1), ids.traceId);
    assert.equal(hex(message, 2), ids.spanId);
    json.at = 0;
    for (const word of [ids.trace0, ids.trace1, ids.trace2, ids.trace3, ids.span0, ids.span1]) json.hexWord(word);
    assert.equal(json.toString(), ids.traceId + ids.spanId);
  }
  assert.equal(seen.size, 2_000);
});

test('a caller’s trace id is kept, in its string and in its words', () => {
  for (const traceId of ['0af7651916cd43dd8448eb211c80319c', 'ffffffff80000000000000017fffffff', '4BF92F3577B34DA6A3CE929D0E0E4736']) {
    const ids = new ServerSpanContext(traceId);
    assert.equal(ids.traceId, traceId);
    const writer = new ProtobufWriter();
    writer.id128(1, ids.trace0, ids.trace1, ids.trace2, ids.trace3);
    assert.equal(hex(readMessage(writer.finish()), 1), traceId.toLowerCase());
  }
});

test('a new trace: the span, its child, its request event’s log record and its ECS line name the same ids', () => {
  const children: ReadableSpan[] = [];
  const ended: ServerSpanRecord[] = [];
  const sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() });
  const provider = new TracerProvider({ resource, sampler, spanProcessors: [{ onStart: () => {}, onEnd: (span) => void children.push(span), forceFlush: async () => {}, shutdown: async () => {} }] });
  const tracer = withServerSpans(provider.getTracer('lumetry'), sampler, false, resource, (record) => void ended.push(record), SpanKind.SERVER);
  const lines: string[] = [];
  const records: Parameters<typeof encodeRequestLogRecords>[0][number][] = [];
  const logger = createLogger({ service: 'ingest-api', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', correlate: true, write: (line) => void lines.push(line), sink: (_level, message, fields, bindings, happened) => void records.push({ at: happened!.at, severityNumber: 9, severityText: 'INFO', body: message, bindings, fields: fields!, span: happened!.span, resource }) });

  const span = tracer.startSpan('POST', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  tracer.startSpan('INSERT events', { kind: SpanKind.CLIENT }, trace.setSpan(ROOT_CONTEXT, span)).end();
  logger.later('info', Date.now(), () => ['POST /v1/events 202', { http: { response: { status_code: 202 } } }], span.spanContext());
  span.end();

  const [exported] = decodeSpans(encodeServerSpans(ended, resource));
  const [record] = decodeLogRecords(encodeRequestLogRecords(records, resource, new ProtobufWriter()));
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  const child = children[0]!;
  assert.equal(exported?.traceId, child.spanContext().traceId, 'the child is in the server span’s trace');
  assert.equal(exported?.spanId, child.parentSpanContext?.spanId, 'and under the server span');
  assert.equal(record?.traceId, exported?.traceId);
  assert.equal(record?.spanId, exported?.spanId);
  assert.equal(line['trace.id'], exported?.traceId);
  assert.equal(line['span.id'], exported?.spanId);
  assert.equal(span.spanContext().traceFlags, TraceFlags.SAMPLED);
});

test('a ratio sampler decides on the server span’s real trace id', () => {
  const ended: ServerSpanRecord[] = [];
  const sampler = new TraceIdRatioBasedSampler(0.5);
  const provider = new TracerProvider({ resource, sampler });
  const tracer = withServerSpans(provider.getTracer('lumetry'), sampler, true, resource, (record) => void ended.push(record), SpanKind.SERVER);
  let sampled = 0;
  for (let i = 0; i < 400; i++) {
    const span = tracer.startSpan('GET', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    const expected = sampler.shouldSample(ROOT_CONTEXT, span.spanContext().traceId).decision;
    assert.equal(span.isRecording() ? 2 : 0, expected, span.spanContext().traceId);
    if (span.isRecording()) sampled++;
    span.end();
  }
  assert.ok(sampled > 100 && sampled < 300, `about half sampled: ${sampled}`);
  assert.equal(ended.length, sampled);
});
