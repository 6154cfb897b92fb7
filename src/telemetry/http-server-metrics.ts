// HTTP server instruments from the OpenTelemetry semantic conventions: request duration by method,
// route template (never the raw path, so ids cannot explode the series count), status and error
// type; and requests in flight. https://opentelemetry.io/docs/specs/semconv/http/http-metrics/
import type { Meter } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';

// The semantic conventions' recommended boundaries for http.server.request.duration.
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

export function httpServerMetrics(meter: Meter): MiddlewareHandler {
  const duration = meter.createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP server requests.',
    advice: { explicitBucketBoundaries: durationBuckets },
  });
  const active = meter.createUpDownCounter('http.server.active_requests', { unit: '{request}', description: 'Number of active HTTP server requests.' });
  return async (c, next) => {
    const started = performance.now();
    const method = knownMethods.has(c.req.method) ? c.req.method : '_OTHER';
    active.add(1, { 'http.request.method': method });
    try {
      await next();
    } finally {
      active.add(-1, { 'http.request.method': method });
      const status = c.res.status;
      // The route the request was aimed at: the first matched handler of a real method, even when a
      // middleware (authentication, say) answered first. Middleware and fallbacks are method ALL.
      const route = matchedRoutes(c).find((r) => r.method !== 'ALL')?.path;
      duration.record((performance.now() - started) / 1000, {
        'http.request.method': method,
        'http.response.status_code': status,
        ...(route === undefined ? {} : { 'http.route': route }),
        ...(status >= 500 ? { 'error.type': String(status) } : {}),
      });
    }
  };
}
