// The embedded quick start's demo tenant: made once, on a store that has no tenants yet, with one
// ingest key and one console key. The keys go to a file only the user can read (mode 0600); the
// caller tells the user the path, never a key.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from './storage/store.ts';
import { createApiKey } from './tenancy.ts';

export const demoCredentialsFile = 'demo-credentials.json';

/** Resolves the file's path when this call created the tenant, undefined when tenants existed. */
export async function createDemoTenant(store: Store, dataDir: string): Promise<string | undefined> {
  if ((await store.listTenants()).length > 0) return undefined;
  const tenant = await store.createTenant('demo');
  const ingest = await createApiKey(store, tenant.id, 'ingest');
  // Whoever runs the embedded quick start operates it, so the demo console key may see System Health.
  const console = await createApiKey(store, tenant.id, 'console', { admin: true });
  const path = join(dataDir, demoCredentialsFile);
  // A file left from an earlier database holds keys that no longer exist: replace it (and never
  // reuse its permissions: 'wx' creates the new file with mode 0600).
  rmSync(path, { force: true });
  const body = { tenant: { id: tenant.id, name: tenant.name }, ingestKey: ingest.secret, consoleKey: console.secret };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return path;
}
