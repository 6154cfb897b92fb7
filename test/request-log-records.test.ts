// Request events are exported as our own log records, encoded by our own writer: a collector must
// decode the event the logger wrote, with its level, time and the span it was written under.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtobufWriter } from '../src/telemetry/otlp/protobuf-writer.ts';
import { encodeRequestLogRecords } from '../src/telemetry/otlp/request-log-records.ts';
import { decodeLogRecords } from './helpers/otlp.ts';
import { fixed64, integer, messages, readMessage } from './helpers/protobuf.ts';

test('a request event decodes to what the logger wrote, under the span it was written in', () => {
  const resource = resourceFromAttributes({ 'service.name': 'console' });
  const span = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
  const at = Date.now();
  const time = BigInt(at) * 1_000_000n;
  const attributes = { 'http.request.method': 'GET', 'url.path': '/pages/délivrances', 'http.response.status_code': 200, 'event.category': ['web'] };
  const bindings = { lumetry: { job: 'replay' } };
  const record = { at, severityNumber: 9, severityText: 'INFO', body: 'GET /pages/délivrances 200', bindings, fields: attributes, span, resource };
  const bare = { ...record, body: 'GET /livez 200', span: undefined };
  const body = encodeRequestLogRecords([record, bare], resource, new ProtobufWriter());

  assert.deepEqual(decodeLogRecords(body), [
    { resource: { 'service.name': 'console' }, timeUnixNano: time, severityText: 'INFO', body: 'GET /pages/délivrances 200', attributes: { 'lumetry.job': 'replay', ...attributes }, traceId: span.traceId, spanId: span.spanId },
    { resource: { 'service.name': 'console' }, timeUnixNano: time, severityText: 'INFO', body: 'GET /livez 200', attributes: { 'lumetry.job': 'replay', ...attributes }, traceId: '', spanId: '' },
  ]);
  const raw = messages(messages(messages(readMessage(body), 1)[0]!, 2)[0]!, 2)[0]!;
  assert.equal(integer(raw, 2), 9, 'severity number INFO');
  assert.equal(fixed64(raw, 11), time, 'observed when written');
  assert.equal(Buffer.from(raw.get(8)![0] as Uint8Array).readUInt32LE(0), TraceFlags.SAMPLED);
});

test('attribute values seen before (kept encoded) decode the same as new ones, past the bound of what is kept', () => {
  const resource = resourceFromAttributes({ 'service.name': 'ingest-api' });
  const at = Date.now();
  // 600 distinct ids and durations: more than the 256 values a key keeps; the rest repeat.
  const attributesOf = (i: number) => ({
    'http.request.method': i % 2 === 0 ? 'POST' : 'GET',
    'http.request.id': `req-${i}`,
    'event.duration': 1_000 + i,
    'http.response.status_code': i % 3 === 0 ? 503 : 200,
    'user_agent.original': i % 5 === 0 ? 'curl/8.5 «café»' : 'wrk',
    'event.category': ['web'],
    // The same text as a string and as a one-item list must stay apart.
    'event.type': i % 2 === 0 ? ['access'] : 'access',
  });
  const records = Array.from({ length: 600 }, (_, i) => ({ at, severityNumber: 9, severityText: 'INFO', body: `request ${i}`, bindings: {}, fields: attributesOf(i), span: undefined, resource }));
  const writer = new ProtobufWriter();
  for (const batch of [records, records.slice().reverse()]) {
    const decoded = decodeLogRecords(encodeRequestLogRecords(batch, resource, writer));
    assert.equal(decoded.length, batch.length);
    for (const [i, record] of decoded.entries()) assert.deepEqual(record.attributes, batch[i]!.fields, `record ${batch[i]!.body}`);
  }
});
