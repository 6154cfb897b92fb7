// The console's server-rendered pages: login and logout, destinations, deliveries. Forms post back
// with the session's CSRF token; every page forbids framing and scripts through its CSP.
import { Hono } from 'hono';
import { ApiError } from '../http/api-error.ts';
import { ipOf } from '../http/client-ip.ts';
import type { AppEnv } from '../http/create-app.ts';
import { destinationUrl, eventTypePattern } from '../input-schemas.ts';
import { hashApiKey, randomToken } from '../secrets.ts';
import type { DeliveryStatus } from '../storage/store.ts';
import { addDestination } from '../tenancy.ts';
import * as v from 'valibot';
import type { ConsoleDeps } from './app.ts';
import { pageAuth, refuseCrossSite } from './console-auth.ts';
import { readForm } from './form.ts';
import { deliveriesPage } from './pages/deliveries.ts';
import { destinationsPage } from './pages/destinations.ts';
import { loginPage } from './pages/login.ts';
import { systemHealthPage } from './pages/system-health.ts';
import { systemHealth } from './system-health.ts';
import { clearSessionCookie, hashSessionToken, readSessionCookie, writeSessionCookie } from './session-cookie.ts';


const pageSize = 50;
const protectedPaths = ['/', '/logout', '/deliveries', '/deliveries/*', '/destinations', '/destinations/*', '/system-health'];

export function consolePages(deps: ConsoleDeps): Hono<AppEnv> {
  const { store, logger, limiter } = deps;
  const clock = deps.clock ?? Date.now;
  const app = new Hono<AppEnv>();
  const securityHeaders = async (c: { header(name: string, value: string): void }, next: () => Promise<void>) => {
    await next();
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    c.header('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on form posts, defeating the origin check.
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
  };
  for (const path of ['/login', ...protectedPaths]) app.use(path, securityHeaders);

  app.get('/login', (c) => c.html(loginPage()));

  app.post('/login', async (c) => {
    const address = c.env.clientAddress;
    // Unknown peers share one limiter bucket; the events then carry no client.ip, an ECS `ip` field
    // that Elasticsearch refuses the whole document for when it holds anything but an address.
    const client = address || 'unknown';
    const peer = address ? { client: { ip: ipOf(address) } } : {};
    refuseCrossSite(c);
    const wait = limiter.retryAfterMs(client);
    if (wait > 0) {
      logger.warn('console login refused: too many failures', peer);
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return c.html(loginPage('Too many failed attempts from your address. Try again later.'), 429);
    }
    const form = await readForm(c);
    const presented = typeof form.key === 'string' ? form.key.trim() : '';
    const key = /^[A-Za-z0-9_-]{10,200}$/.test(presented) ? await store.findApiKeyByHash(await hashApiKey(presented)) : undefined;
    if (!key || key.revokedAt !== null || key.scope !== 'console') {
      limiter.recordFailure(client);
      logger.warn('console login failed', { ...peer, user_agent: { original: c.req.header('user-agent') ?? '' } });
      return c.html(loginPage('That key was not accepted.'), 401);
    }
    limiter.recordSuccess(client);
    const token = randomToken();
    await store.createSession(await hashSessionToken(token), { tenantId: key.tenantId, apiKeyId: key.id, csrfToken: randomToken(), expiresAt: clock() + deps.sessionTtlMs });
    writeSessionCookie(c, token, Math.floor(deps.sessionTtlMs / 1000));
    logger.info('console login', { ...peer, organization: { id: key.tenantId } });
    return c.redirect('/deliveries', 303);
  });

  for (const path of protectedPaths) app.use(path, pageAuth(store));

  app.post('/logout', async (c) => {
    const token = readSessionCookie(c);
    if (token !== undefined) await store.revokeSession(await hashSessionToken(token));
    clearSessionCookie(c);
    return c.redirect('/login', 303);
  });

  app.get('/', (c) => c.redirect('/deliveries', 303));

  app.get('/system-health', async (c) => {
    if (!c.get('admin')) throw new ApiError('forbidden', 'System Health is for console keys with the admin role');
    return c.html(systemHealthPage(await systemHealth(store, deps.queue, deps.queueAgeWarningMs, clock()), c.get('csrfToken')!));
  });

  app.get('/deliveries', async (c) => {
    const status = v.safeParse(v.picklist(['pending', 'delivered', 'dead']), c.req.query('status')).output as DeliveryStatus | undefined;
    const before = c.req.query('before');
    const deliveries = await store.listDeliveries(c.get('tenantId'), { limit: pageSize, status: typeof status === 'string' ? status : undefined, before });
    const nextBefore = deliveries.length === pageSize ? deliveries.at(-1)!.id : undefined;
    const notice = c.req.query('replayed') ? 'Replay queued: the delivery starts again with a fresh set of attempts.' : undefined;
    return c.html(deliveriesPage({ deliveries, status: typeof status === 'string' ? status : undefined, csrf: c.get('csrfToken')!, admin: c.get('admin'), nextBefore, ...(notice ? { notice } : {}) }));
  });

  app.post('/deliveries/:id/replay', async (c) => {
    const result = await store.replayDelivery(c.get('tenantId'), c.req.param('id'));
    if (result === 'not_found') throw new ApiError('not_found', 'no such delivery');
    return c.redirect('/deliveries?status=dead&replayed=1', 303);
  });

  app.get('/destinations', async (c) => c.html(destinationsPage({ destinations: await store.listDestinations(c.get('tenantId')), csrf: c.get('csrfToken')!, admin: c.get('admin') })));

  app.post('/destinations', async (c) => {
    const form = await readForm(c);
    const url = v.safeParse(destinationUrl, form.url);
    const types = String(form.eventTypes ?? '*').split(',').map((t) => t.trim()).filter((t) => t !== '');
    const badType = types.find((t) => !v.is(eventTypePattern, t));
    const destinations = () => store.listDestinations(c.get('tenantId'));
    if (!url.success || badType !== undefined || types.length === 0) {
      const error = !url.success ? `URL ${url.issues[0].message}.` : `Event type "${badType ?? ''}" is not valid: use *, an event type, or a prefix ending in .*`;
      return c.html(destinationsPage({ destinations: await destinations(), csrf: c.get('csrfToken')!, admin: c.get('admin'), error }), 422);
    }
    const name = typeof form.name === 'string' && form.name.trim() !== '' ? form.name.trim().slice(0, 100) : new URL(url.output).host;
    const created = await addDestination(store, { tenantId: c.get('tenantId'), name, url: url.output, eventTypes: types, enabled: true });
    return c.html(destinationsPage({ destinations: await destinations(), csrf: c.get('csrfToken')!, admin: c.get('admin'), created: { name: created.name, signingSecret: created.signingSecret } }), 201);
  });

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/destinations/:id/${action}`, async (c) => {
      if (!(await store.updateDestination(c.get('tenantId'), c.req.param('id'), { enabled }))) throw new ApiError('not_found', 'no such destination');
      return c.redirect('/destinations', 303);
    });
  }
  return app;
}
