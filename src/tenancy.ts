// Creating the things that carry a secret. The secret is returned to the caller once and is
// otherwise only ever stored as a hash (API keys) or kept for signing (destinations).
import { generateApiKey, generateSigningSecret } from './secrets.ts';
import type { ApiKey, ApiKeyScope, Destination, NewDestination, Store } from './storage/store.ts';

export async function createApiKey(store: Store, tenantId: string, scope: ApiKeyScope, options: { admin?: boolean } = {}): Promise<{ key: ApiKey; secret: string }> {
  const generated = await generateApiKey(scope);
  const key = await store.insertApiKey({ tenantId, scope, prefix: generated.prefix, hash: generated.hash, admin: options.admin === true });
  return { key, secret: generated.secret };
}

export function addDestination(store: Store, input: Omit<NewDestination, 'signingSecret'>): Promise<Destination> {
  return store.createDestination({ ...input, signingSecret: generateSigningSecret() });
}
