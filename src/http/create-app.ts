// The base Hono app every process serves: management routes, and JSON answers for unknown routes
// and unhandled failures that never show internals to the client.
import { Hono } from 'hono';
import { healthRoutes } from '../../health/routes.ts';
import { errorFields } from '../telemetry/error-fields.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ServerBindings } from '../runtime/types.ts';

export type AppEnv = { Bindings: ServerBindings };

export function createApp(logger: Logger): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route('/', healthRoutes());
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));
  app.onError((error, c) => {
    logger.error('request failed', { error: errorFields(error), url: { path: c.req.path }, http: { request: { method: c.req.method } } });
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });
  return app;
}
