// The console's JSON API under /api. Every query names the caller's tenant, so one tenant can never
// read or change another's data; a foreign id is simply "not found".
import { Hono } from 'hono';
import { ApiError } from '../http/api-error.ts';
import type { AppEnv } from '../http/create-app.ts';
import { validate } from '../http/validation.ts';
import type { Destination } from '../storage/store.ts';
import { addDestination } from '../tenancy.ts';
import type { ConsoleDeps } from './app.ts';
import { apiAuth } from './console-auth.ts';
import { systemHealth } from './system-health.ts';
import { deliveryQuery, destinationPatch, eventQuery, newDestination } from './schemas.ts';

/** What lists show of a destination: everything but the signing secret. */
export function publicDestination({ signingSecret: _secret, ...rest }: Destination) {
  return rest;
}

async function jsonBody(request: Request): Promise<unknown> {
  if (!/^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) throw new ApiError('unsupported_media_type', 'send application/json');
  try {
    return await request.json();
  } catch {
    throw new ApiError('invalid_json', 'the body is not valid JSON');
  }
}

export function consoleApi(deps: ConsoleDeps): Hono<AppEnv> {
  const { store } = deps;
  const api = new Hono<AppEnv>();
  api.use('*', apiAuth(store, deps.pipeline?.authFailure));

  api.get('/system-health', async (c) => {
    if (!c.get('admin')) throw new ApiError('forbidden', 'System Health is for console keys with the admin role');
    c.header('Cache-Control', 'no-store');
    return c.json(await systemHealth(store, deps.queue, deps.queueAgeWarningMs, (deps.clock ?? Date.now)()));
  });

  api.get('/destinations', async (c) => c.json({ destinations: (await store.listDestinations(c.get('tenantId'))).map(publicDestination) }));

  api.post('/destinations', async (c) => {
    const input = validate(newDestination, await jsonBody(c.req.raw));
    const destination = await addDestination(store, {
      tenantId: c.get('tenantId'),
      name: input.name ?? new URL(input.url).host,
      url: input.url,
      eventTypes: input.eventTypes,
      enabled: input.enabled,
    });
    return c.json({ destination: publicDestination(destination), signingSecret: destination.signingSecret }, 201);
  });

  api.get('/destinations/:id', async (c) => {
    const destination = await store.getDestination(c.get('tenantId'), c.req.param('id'));
    if (!destination) throw new ApiError('not_found', 'no such destination');
    return c.json({ destination: publicDestination(destination) });
  });

  api.patch('/destinations/:id', async (c) => {
    const patch = validate(destinationPatch, await jsonBody(c.req.raw));
    const destination = await store.updateDestination(c.get('tenantId'), c.req.param('id'), patch);
    if (!destination) throw new ApiError('not_found', 'no such destination');
    return c.json({ destination: publicDestination(destination) });
  });

  api.get('/events', async (c) => {
    const query = validate(eventQuery, c.req.query());
    return c.json({ events: await store.listEvents(c.get('tenantId'), query) });
  });

  api.get('/deliveries', async (c) => {
    const query = validate(deliveryQuery, c.req.query());
    return c.json({ deliveries: await store.listDeliveries(c.get('tenantId'), query) });
  });

  api.post('/deliveries/:id/replay', async (c) => {
    const result = await store.replayDelivery(c.get('tenantId'), c.req.param('id'));
    if (result === 'not_found') throw new ApiError('not_found', 'no such delivery');
    if (result === 'not_dead') throw new ApiError('conflict', 'only a dead-lettered delivery can be replayed');
    return c.json({ replayed: c.req.param('id') }, 202);
  });

  return api;
}
