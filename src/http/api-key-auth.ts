// Bearer API-key authentication. A missing, unknown or revoked key gets the same 401 so a caller
// learns nothing about which part was wrong; a valid key of the other scope gets 403.
import type { MiddlewareHandler } from 'hono';
import { hashApiKey } from '../secrets.ts';
import type { ApiKeyScope, Store } from '../storage/store.ts';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './create-app.ts';
import { actAs } from './request-scope.ts';

const bearer = /^Bearer ([A-Za-z0-9_-]{10,200})$/;

export function requireApiKey(store: Store, scope: ApiKeyScope, onFailure: (reason: 'unauthorized' | 'forbidden') => void = () => {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const match = bearer.exec(c.req.header('authorization') ?? '');
    const key = match ? await store.findApiKeyByHash(await hashApiKey(match[1]!)) : undefined;
    if (!key || key.revokedAt !== null) {
      onFailure('unauthorized');
      c.header('WWW-Authenticate', 'Bearer');
      throw new ApiError('unauthorized', 'a valid API key is required');
    }
    if (key.scope !== scope) onFailure('forbidden');
    if (key.scope !== scope) throw new ApiError('forbidden', `this key may not be used here: an ${scope} key is required`);
    actAs(c, { tenantId: key.tenantId, admin: key.admin, apiKeyId: key.id });
    await next();
  };
}
