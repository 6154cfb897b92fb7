// W3C trace context in and out of carriers we own: request headers, outbound headers, and the
// `traceparent` stored with each queue item. https://www.w3.org/TR/trace-context/
import { type Context, ROOT_CONTEXT, type Span, type TextMapGetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

const headerGetter: TextMapGetter<(name: string) => string | undefined> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (header, key) => header(key),
};

const recordGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** The caller's context from its `traceparent` (and `tracestate`) headers, or the root context. */
export function contextFromHeaders(header: (name: string) => string | undefined): Context {
  return propagator.extract(ROOT_CONTEXT, header, headerGetter);
}

/** The context a stored `traceparent` stands for, or the root context. */
export function contextFromTraceparent(traceparent: string | null): Context {
  return traceparent === null ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, { traceparent }, recordGetter);
}

/** The `traceparent` that makes a span the parent of what receives it. */
export function traceparentOf(span: Span): string {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, { set: (c, key, value) => void (c[key] = value) });
  return carrier.traceparent ?? '';
}
