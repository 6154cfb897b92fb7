// Records every HTTP request for the HTTP server instruments of the OpenTelemetry semantic
// conventions: duration by method, route template (never the raw path, so ids cannot explode the
// series count), status and error type; request and response body sizes; and requests in flight.
// https://opentelemetry.io/docs/specs/semconv/http/http-metrics/
import type { MiddlewareHandler } from 'hono';
import { routeOf } from '../http/route-of.ts';
import type { HttpServerRecorder } from './http-server-producer.ts';

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

export function httpServerMetrics(recorder: HttpServerRecorder): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const method = knownMethods.has(c.req.method) ? c.req.method : '_OTHER';
    recorder.started(method);
    try {
      await next();
    } finally {
      const requestBytes = c.req.raw.headers.get('content-length');
      const responseBytes = c.res.headers.get('content-length');
      recorder.finished(method, routeOf(c), c.res.status, (performance.now() - started) / 1000, requestBytes === null ? Number.NaN : Number(requestBytes), responseBytes === null ? Number.NaN : Number(responseBytes));
    }
  };
}
