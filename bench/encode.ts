#!/usr/bin/env bun
// bench/encode: microseconds to encode one server span and one request-event log record to OTLP
// protobuf, in batches of 512 as the batch processors export them, with the attributes a request
// carries (repeated values, a distinct request id and duration each). Run it with either runtime,
// at two commits, for a before/after pair (docs/performance.md); in process, no sockets.
//   npx bun bench/encode.ts        npx node bench/encode.ts
import { SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AccessEvent } from '../src/http/access-event.ts';
import { RequestScope } from '../src/http/request-scope.ts';
import { ProtobufWriter } from '../src/telemetry/otlp/protobuf-writer.ts';
import { encodeRequestLogRecords, type RequestLogRecord } from '../src/telemetry/otlp/request-log-records.ts';
import { encodeServerSpans, type ServerSpanRecord } from '../src/telemetry/otlp/server-spans.ts';
import { ServerSpanContext } from '../src/telemetry/span-ids.ts';

const batch = 512;
const rounds = 1_000;
const resource = resourceFromAttributes({ 'service.name': 'bench', 'service.version': '0', 'host.name': 'bench-host', 'process.pid': 1 });
const startMs = Date.now();

const spans: ServerSpanRecord[] = Array.from({ length: batch }, (_, i) => {
  const context = new ServerSpanContext(undefined);
  context.traceFlags = 1;
  const attributes = { 'http.request.method': 'POST', 'url.path': '/v1/events', 'url.scheme': 'http', 'user_agent.original': 'wrk/4.2.0', 'client.address': '127.0.0.1' };
  const updates = { 'http.route': '/v1/events', 'http.response.status_code': 202 };
  return { context, parent: undefined, name: 'POST /v1/events', startMs, durationNanos: 200_000 + i, attributes, updates, status: { code: SpanStatusCode.UNSET }, spanContext: () => context, resource };
});
// The request event as the logger hands it over: its own fields, visited as they are encoded.
const records: RequestLogRecord[] = spans.map(({ context }, i) => {
  const scope = new RequestScope({ remoteAddress: '127.0.0.1' }, `5f0c2a9e-1b7d-${i.toString(36)}`);
  const exchange = { method: 'POST', path: '/v1/events', status: 202, seconds: (200_000 + i) / 1e9, requestBytes: 822, userAgent: 'wrk/4.2.0' };
  return { at: startMs, severityNumber: 9, severityText: 'INFO', body: 'POST /v1/events 202', bindings: {}, fields: new AccessEvent(scope, exchange), span: context, resource };
});

const writer = new ProtobufWriter();
const runtime = typeof Bun === 'undefined' ? `node ${process.versions.node}` : `bun ${Bun.version}`;
for (const [item, encode] of [['server span', () => encodeServerSpans(spans, resource, writer)], ['request log record', () => encodeRequestLogRecords(records, resource, writer)]] as const) {
  for (let i = 0; i < 200; i++) encode();
  const began = performance.now();
  for (let i = 0; i < rounds; i++) encode();
  const micros = ((performance.now() - began) * 1_000) / rounds / batch;
  console.log(`${runtime}: ${item} ${micros.toFixed(2)} µs (${encode().length.toLocaleString('en')} bytes a batch of ${batch})`);
}
