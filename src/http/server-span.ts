// Traces on: one server span per request, continuing the caller's W3C `traceparent`, active while
// the request is handled so storage and queue spans and log lines join it. Named `METHOD route`
// from the route template; the raw path is an attribute, the query string never.
// https://opentelemetry.io/docs/specs/semconv/http/http-spans/
import { type Attributes, type Context as TraceContext, type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { contextFromHeaders } from '../telemetry/trace-context.ts';
import { withTransaction } from '../telemetry/transaction.ts';

export interface ServerSpan {
  readonly span: Span;
  /** The context to run the request in: the span active, and the request's transaction. */
  readonly context: TraceContext;
}

export function startServerSpan(tracer: Tracer, request: Request, path: string, method: string, header: (name: string) => string | undefined, userAgent: string | undefined, client: string | undefined): ServerSpan {
  const parent = contextFromHeaders(header);
  const attributes: Attributes = { 'http.request.method': method, 'url.path': path, 'url.scheme': request.url.startsWith('https:') ? 'https' : 'http' };
  if (userAgent) attributes['user_agent.original'] = userAgent;
  if (client) attributes['client.address'] = client;
  const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: withTransaction(parent, span) };
}

export function endServerSpan({ span }: ServerSpan, method: string, route: string | undefined, status: number, error: Error | undefined): void {
  if (route !== undefined) {
    span.updateName(`${method} ${route}`);
    span.setAttribute('http.route', route);
  }
  span.setAttribute('http.response.status_code', status);
  // The error's type only: its message can quote what a database or a library refused, secrets included.
  if (status >= 500) {
    span.setAttribute('error.type', error?.name ?? String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
