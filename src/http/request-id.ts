// Every response carries X-Request-Id: the caller's own when it is a sane token (so a request can be
// followed through a proxy), otherwise a new one.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './create-app.ts';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming !== undefined && acceptable.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}
