// OTLP request bodies decoded into what tests look at: spans, metric names and log records, each
// with its resource attributes. Field numbers from opentelemetry-proto (collector/*/v1, trace/v1,
// metrics/v1, logs/v1, common/v1). https://github.com/open-telemetry/opentelemetry-proto
import { fixed64, hex, integer, type Message, messages, readMessage, text } from './protobuf.ts';

export type Attributes = Record<string, string | number | boolean | string[]>;

export interface OtlpSpan {
  readonly resource: Attributes;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  /** The W3C tracestate the span carries (Span.trace_state, 3); '' when none. */
  readonly traceState: string;
  readonly name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly attributes: Attributes;
  /** 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  /** The spans this one is linked to (Span.links, 13 → Link.trace_id 1, span_id 2). */
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
}

export interface OtlpMetric {
  readonly resource: Attributes;
  readonly name: string;
  readonly unit: string;
}

export interface OtlpLogRecord {
  readonly resource: Attributes;
  readonly timeUnixNano: bigint;
  readonly severityText: string;
  readonly body: string;
  readonly attributes: Attributes;
  readonly traceId: string;
  readonly spanId: string;
}

export function decodeSpans(body: Uint8Array): OtlpSpan[] {
  return items(body, (span, resource) => ({
    resource,
    traceId: hex(span, 1),
    spanId: hex(span, 2),
    parentSpanId: hex(span, 4),
    traceState: text(span, 3),
    name: text(span, 5),
    kind: integer(span, 6),
    attributes: attributes(span, 9),
    statusCode: messages(span, 15).map((status) => integer(status, 3))[0] ?? 0,
    links: messages(span, 13).map((link) => ({ traceId: hex(link, 1), spanId: hex(link, 2) })),
  }));
}

export function decodeMetrics(body: Uint8Array): OtlpMetric[] {
  return items(body, (metric, resource) => ({ resource, name: text(metric, 1), unit: text(metric, 3) }));
}

export function decodeLogRecords(body: Uint8Array): OtlpLogRecord[] {
  return items(body, (record, resource) => ({
    resource,
    timeUnixNano: fixed64(record, 1),
    severityText: text(record, 3),
    body: messages(record, 5).map((value) => String(anyValue(value)))[0] ?? '',
    attributes: attributes(record, 6),
    traceId: hex(record, 9),
    spanId: hex(record, 10),
  }));
}

/** Every export request has the same nesting: resource_* (1) → resource (1) and scope_* (2) → items (2). */
function items<T>(body: Uint8Array, decode: (item: Message, resource: Attributes) => T): T[] {
  return messages(readMessage(body), 1).flatMap((perResource) => {
    const resource = resourceOf(perResource);
    return messages(perResource, 2).flatMap((scope) => messages(scope, 2).map((item) => decode(item, resource)));
  });
}

function resourceOf(message: Message): Attributes {
  return messages(message, 1).map((resource) => attributes(resource, 1))[0] ?? {};
}

function attributes(message: Message, field: number): Attributes {
  return Object.fromEntries(messages(message, field).map((pair) => [text(pair, 1), messages(pair, 2).map(anyValue)[0] ?? '']));
}

function anyValue(value: Message): string | number | boolean | string[] {
  if (value.has(1)) return text(value, 1);
  if (value.has(2)) return integer(value, 2) === 1;
  if (value.has(3)) return Number(BigInt.asIntN(64, value.get(3)![0] as bigint));
  if (value.has(4)) return Buffer.from(value.get(4)![0] as Uint8Array).readDoubleLE(0);
  if (value.has(5)) return messages(value, 5).flatMap((array) => messages(array, 1).map((item) => String(anyValue(item))));
  return '';
}
