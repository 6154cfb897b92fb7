// The base Hono app every process serves: request ids, management routes, and JSON answers for
// unknown routes and failures that never show internals to the client.
import type { Tracer } from '@opentelemetry/api';
import { Hono } from 'hono';
import { endpoints, type Health } from '../../health/health.ts';
import { healthRoutes } from '../../health/routes.ts';
import { isRetryable } from '../storage/store-error.ts';
import { errorFields } from '../telemetry/error-fields.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { ApiError } from './api-error.ts';
import { withHeadLength } from './head-length.ts';
import { RecordingRouter } from './recording-router.ts';
import type { RequestScope } from './request-scope.ts';
import { type ServedFetch, withRequestTelemetry } from './request-telemetry.ts';

export type AppEnv = {
  Bindings: RequestScope;
  Variables: {
    tenantId: string;
    /** The caller's key (or the key behind its session) may see operator views. */
    admin: boolean;
    /** Console requests made with a session cookie: the token its forms must send back. */
    csrfToken: string | undefined;
  };
};

/** Seconds a client should wait before retrying when storage is unavailable. */
export const unavailableRetryAfterSeconds = 5;

export interface Management {
  readonly health?: Health;
  readonly metrics?: Metrics;
  /** Present when traces are on: every request gets a server span. */
  readonly tracer?: Tracer | undefined;
  /** Log probes and scrapes at info instead of debug. */
  readonly logProbes?: boolean;
}

/** An app whose `fetch` takes the server's bindings (or none) and records each request. */
export type App = Hono<AppEnv> & { fetch: ServedFetch };

/** Management endpoints are absent only where a test exercises an API alone. */
export function createApp(logger: Logger, management: Management = {}): App {
  const router = new RecordingRouter<unknown>();
  const app = new Hono<AppEnv>({ router: router as never });
  const { health, metrics } = management;
  const quietPaths = [...endpoints.map((e) => `/${e}`), ...(metrics?.path ? [metrics.path] : [])];
  const quietPrefixes = quietPaths.map((q) => `${q}/`);
  const quiet = (path: string) => quietPaths.includes(path) || quietPrefixes.some((prefix) => path.startsWith(prefix));
  const options = { metrics: metrics?.httpServer, tracer: management.tracer, quiet, logProbes: management.logProbes ?? false };
  app.fetch = withRequestTelemetry(withHeadLength(app.fetch) as never, router, logger, options) as never;
  if (metrics?.path) {
    app.get(metrics.path, async (c) => c.body(await metrics.scrape(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' }));
  }
  if (health) app.route('/', healthRoutes(health));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route' }, requestId: c.env.requestId }, 404));
  app.onError((error, c) => {
    c.env.error = error;
    const id = c.env.requestId;
    if (error instanceof ApiError) {
      const body = { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) };
      return c.json({ error: body, requestId: id }, error.status);
    }
    const context = { error: errorFields(error), url: { path: c.req.path }, http: { request: { method: c.req.method, id } } };
    if (isRetryable(error)) {
      logger.warn('storage unavailable: request refused', { ...context, error: errorFields(error.cause ?? error) });
      c.header('Retry-After', String(unavailableRetryAfterSeconds));
      return c.json({ error: { code: 'unavailable', message: 'storage is unavailable: nothing was accepted; retry later' }, requestId: id }, 503);
    }
    logger.error('request failed', context);
    return c.json({ error: { code: 'internal', message: 'internal error' }, requestId: id }, 500);
  });
  return app as App;
}
