// Traces on: one server span per request, continuing the caller's W3C `traceparent`, active while
// the request is handled so storage and queue spans and log lines join it. Named `METHOD route`
// from the route template; the raw path is an attribute, the query string never. Probes and scrapes
// (`untraced`) get no span: a kubelet polling every few seconds would bury the real traces.
// https://opentelemetry.io/docs/specs/semconv/http/http-spans/
import { context, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { contextFromHeaders } from '../telemetry/trace-context.ts';
import type { AppEnv } from './create-app.ts';
import { routeOf } from './route-of.ts';

export function serverSpan(tracer: Tracer, untraced: (path: string) => boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (untraced(c.req.path)) return next();
    const parent = contextFromHeaders(c.req.raw.headers);
    const method = c.req.method;
    const userAgent = c.req.header('user-agent');
    const client = c.env?.remoteAddress;
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'url.path': c.req.path,
          'url.scheme': c.req.url.startsWith('https:') ? 'https' : 'http',
          ...(userAgent ? { 'user_agent.original': userAgent } : {}),
          ...(client ? { 'client.address': client } : {}),
        },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      const route = routeOf(c);
      const status = c.res.status;
      if (route !== undefined) {
        span.updateName(`${method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) {
        span.setAttribute('error.type', c.error?.name ?? String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
        if (c.error) span.recordException(c.error);
      }
      span.end();
    }
  };
}
