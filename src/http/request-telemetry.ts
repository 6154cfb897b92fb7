// Everything recorded about each HTTP request, in one middleware (each extra Hono middleware layer
// costs measurable throughput): the request id, the HTTP server metrics (duration by method, route
// template, status and error type; request body size; requests in flight), the server span when traces are
// on, and one ECS request event. Probes and scrapes (`quiet`) are logged at debug unless `logProbes`
// and get no span, so a kubelet polling every few seconds floods neither; they still count in the
// metrics. https://opentelemetry.io/docs/specs/semconv/http/http-metrics/
import { context, type Tracer } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import type { HttpServerRecorder } from '../telemetry/http-server-producer.ts';
import type { Logger } from '../telemetry/logger.ts';
import { accessEvent } from './access-event.ts';
import type { AppEnv } from './create-app.ts';
import { requestIds } from './request-id.ts';
import { routeOf } from './route-of.ts';
import { endServerSpan, startServerSpan } from './server-span.ts';

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

export interface RequestTelemetryOptions {
  readonly metrics: HttpServerRecorder | undefined;
  readonly tracer: Tracer | undefined;
  /** Probes and scrapes. */
  readonly quiet: (path: string) => boolean;
  readonly logProbes: boolean;
}

export function requestTelemetry(logger: Logger, options: RequestTelemetryOptions): MiddlewareHandler<AppEnv> {
  const { metrics, tracer, quiet, logProbes } = options;
  const nextId = requestIds();
  return async (c, next) => {
    const started = performance.now();
    const method = knownMethods.has(c.req.method) ? c.req.method : '_OTHER';
    const path = c.req.path;
    const fromServer = c.env?.header;
    const header = fromServer ?? ((name: string) => c.req.header(name));
    const id = nextId(header('x-request-id'));
    c.set('requestId', id);
    if (c.env?.setResponseHeader) c.env.setResponseHeader('X-Request-Id', id);
    else c.header('X-Request-Id', id);
    metrics?.started(method);
    const probe = quiet(path);
    const span = tracer && !probe ? startServerSpan(tracer, c, method, header) : undefined;
    try {
      await (span ? context.with(span.context, next) : next());
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = routeOf(c);
      const status = c.res.status;
      const requestBytes = byteCount(header('content-length'));
      metrics?.finished(method, route, status, seconds, requestBytes);
      const exchange = { method: c.req.method, path, status, seconds, requestBytes, userAgent: header('user-agent') };
      const log = () => (probe && !logProbes ? logger.debug : logger.info)(`${c.req.method} ${path} ${status}`, accessEvent(c, exchange));
      if (span) {
        context.with(span.context, log);
        endServerSpan(span, method, route, status, c.error);
      } else log();
    }
  };
}

function byteCount(header: string | undefined): number {
  return header === undefined ? Number.NaN : Number(header);
}
