// Traces on: one server span per request, continuing the caller's W3C `traceparent`, active while
// the request is handled so storage and queue spans and log lines join it. Named `METHOD route`
// from the route template (`HTTP route` for a method outside the known set, whose name is kept in
// `http.request.method_original`); the raw path is an attribute, the query string never. The
// server's name and port are those the client addressed (the Host header).
// https://opentelemetry.io/docs/specs/semconv/http/http-spans/
import { type Attributes, type Context as TraceContext, type Span, SpanKind, type Tracer } from '@opentelemetry/api';
import { markFailed } from '../telemetry/span-failure.ts';
import { contextFromHeaders } from '../telemetry/trace-context.ts';
import { withTransaction } from '../telemetry/transaction.ts';

export interface ServerSpan {
  readonly span: Span;
  /** The context to run the request in: the span active, and the request's transaction. */
  readonly context: TraceContext;
}

export function startServerSpan(tracer: Tracer, request: Request, path: string, method: string, header: (name: string) => string | undefined, userAgent: string | undefined, client: string | undefined): ServerSpan {
  const parent = contextFromHeaders(header);
  const https = request.url.startsWith('https:');
  const attributes: Attributes = { 'http.request.method': method, 'url.path': path, 'url.scheme': https ? 'https' : 'http' };
  if (method === otherMethod) attributes['http.request.method_original'] = request.method;
  addServer(attributes, request.url, https);
  if (userAgent) attributes['user_agent.original'] = userAgent;
  if (client) attributes['client.address'] = client;
  const span = tracer.startSpan(spanMethod(method), { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: withTransaction(parent, span) };
}

export function endServerSpan({ span }: ServerSpan, method: string, route: string | undefined, status: number, error: Error | undefined): void {
  if (route !== undefined) {
    span.updateName(`${spanMethod(method)} ${route}`);
    span.setAttribute('http.route', route);
  }
  span.setAttribute('http.response.status_code', status);
  // The error's type only: its message can quote what a database or a library refused, secrets included.
  if (status >= 500) markFailed(span, error?.name ?? String(status));
  span.end();
}

const otherMethod = '_OTHER';

function spanMethod(method: string): string {
  return method === otherMethod ? 'HTTP' : method;
}

/** `server.address` and `server.port` from the request URL's authority, which the runtime took from the Host header. */
function addServer(attributes: Attributes, url: string, https: boolean): void {
  const start = url.indexOf('//') + 2;
  const end = url.indexOf('/', start);
  const authority = url.slice(start, end < 0 ? url.length : end);
  const colon = authority.lastIndexOf(':');
  const hasPort = colon > authority.lastIndexOf(']');
  const host = hasPort ? authority.slice(0, colon) : authority;
  if (host === '') return;
  attributes['server.address'] = host.startsWith('[') ? host.slice(1, -1) : host;
  attributes['server.port'] = hasPort ? Number(authority.slice(colon + 1)) : https ? 443 : 80;
}
