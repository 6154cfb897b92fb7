// W3C trace context in and out of carriers we own: request headers, outbound headers, and the trace
// context stored with each queue item. A stored context is the `traceparent`, then a space and the
// `tracestate` when there is one (a traceparent holds no space), so that a caller's vendor state
// reaches every span and webhook its work leads to, as the recommendation asks of each participant.
// https://www.w3.org/TR/trace-context/
import { type Context, ROOT_CONTEXT, type Span, type TextMapGetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

const headerGetter: TextMapGetter<(name: string) => string | undefined> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (header, key) => header(key),
};

const storedGetter: TextMapGetter<string> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (stored, key) => {
    const space = stored.indexOf(' ');
    if (key === 'traceparent') return space < 0 ? stored : stored.slice(0, space);
    return key === 'tracestate' && space >= 0 ? stored.slice(space + 1) : undefined;
  },
};

/** The caller's context from its `traceparent` (and `tracestate`) headers, or the root context. */
export function contextFromHeaders(header: (name: string) => string | undefined): Context {
  return propagator.extract(ROOT_CONTEXT, header, headerGetter);
}

/** The context a stored trace context stands for, or the root context. */
export function contextFromStored(stored: string | null): Context {
  return stored === null ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, stored, storedGetter);
}

/** What to store so that `span` becomes the parent of the work that reads it. */
export function storedContextOf(span: Span): string {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, { set: (c, key, value) => void (c[key] = value) });
  const { traceparent = '', tracestate } = carrier;
  return tracestate ? `${traceparent} ${tracestate}` : traceparent;
}

/** A caller's valid trace context, to be stored as it is when no span of ours continues it (traces off). */
export function storedContextFromHeaders(header: (name: string) => string | undefined): string | null {
  const caller = trace.getSpanContext(contextFromHeaders(header));
  return caller === undefined ? null : storedContextOf(trace.wrapSpanContext(caller));
}

/** The headers that pass a stored trace context on. */
export function traceHeaders(stored: string, headers: Record<string, string>): void {
  const traceparent = storedGetter.get(stored, 'traceparent');
  const tracestate = storedGetter.get(stored, 'tracestate');
  if (typeof traceparent === 'string' && traceparent !== '') headers.traceparent = traceparent;
  if (typeof tracestate === 'string' && tracestate !== '') headers.tracestate = tracestate;
}
