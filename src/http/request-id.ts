// Every response carries X-Request-Id: the caller's own when it is a sane token (so a request can be
// followed through a proxy), otherwise a new one: a random prefix per app and a counter, unique
// across instances without the cost of a random UUID on every request (an id need not be secret).
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './create-app.ts';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(): MiddlewareHandler<AppEnv> {
  const prefix = crypto.randomUUID().slice(0, 13);
  let counter = 0;
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming !== undefined && acceptable.test(incoming) ? incoming : `${prefix}-${(++counter).toString(36)}`;
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}
