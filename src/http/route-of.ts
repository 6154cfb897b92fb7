import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/**
 * The route template a request was aimed at: the first matched handler of a real method, even when
 * a middleware (authentication, say) answered first. Middleware and fallbacks are method ALL.
 */
export function routeOf(c: Context): string | undefined {
  return matchedRoutes(c).find((r) => r.method !== 'ALL')?.path;
}
