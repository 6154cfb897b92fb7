// Who is calling the console. The JSON API takes a console-scope API key (Bearer) or the session
// cookie; pages take the cookie and send anyone else to the login page. A state-changing request
// made with the cookie must also prove it came from our own page: a same-origin Origin header (when
// the browser sends one) and the session's CSRF token, from a form field or the X-CSRF-Token header.
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../http/api-error.ts';
import { requireApiKey } from '../http/api-key-auth.ts';
import type { AppEnv } from '../http/create-app.ts';
import { actAs } from '../http/request-scope.ts';
import type { ConsoleSession, Store } from '../storage/store.ts';
import { readForm } from './form.ts';
import { hashSessionToken, readSessionCookie } from './session-cookie.ts';

async function sessionOf(c: Context, store: Store): Promise<ConsoleSession | undefined> {
  const token = readSessionCookie(c);
  return token === undefined ? undefined : store.findSession(await hashSessionToken(token));
}

export function apiAuth(store: Store, onFailure?: (reason: 'unauthorized' | 'forbidden') => void): MiddlewareHandler<AppEnv> {
  const byKey = requireApiKey(store, 'console', onFailure);
  return async (c, next) => {
    if (c.req.header('authorization') !== undefined) {
      c.set('csrfToken', undefined);
      return byKey(c, next);
    }
    const session = await sessionOf(c, store);
    if (!session) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new ApiError('unauthorized', 'a console API key or a console session is required');
    }
    if (!['GET', 'HEAD'].includes(c.req.method)) checkSameOrigin(c, c.req.header('x-csrf-token'), session.csrfToken);
    adopt(c, session);
    await next();
  };
}

export function pageAuth(store: Store): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = await sessionOf(c, store);
    if (!session) return c.redirect('/login', 303);
    if (c.req.method === 'POST') {
      const form = await readForm(c);
      checkSameOrigin(c, typeof form.csrf === 'string' ? form.csrf : undefined, session.csrfToken);
    }
    adopt(c, session);
    await next();
  };
}

/** The request acts for the session's tenant, with its key's role. */
function adopt(c: Context<AppEnv>, session: ConsoleSession): void {
  actAs(c, session);
  c.set('csrfToken', session.csrfToken);
}

/** Refuses a request whose browser says it came from another site (no Origin header: not a browser's cross-site post). */
export function refuseCrossSite(c: Context): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin && !forwardedOriginMatches(c, origin)) {
    throw new ApiError('forbidden', 'cross-site request refused');
  }
}

function checkSameOrigin(c: Context, presented: string | undefined, expected: string): void {
  refuseCrossSite(c);
  if (presented === undefined || !constantTimeEqual(presented, expected)) throw new ApiError('forbidden', 'missing or wrong CSRF token');
}

/** Behind a TLS-terminating proxy the request URL says http://; the browser's Origin says https://. */
function forwardedOriginMatches(c: Context, origin: string): boolean {
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() ?? new URL(c.req.url).protocol.replace(':', '');
  return host !== undefined && origin === `${proto}://${host}`;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
