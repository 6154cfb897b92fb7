// Resolves the TENANT argument (an id or a name) or fails with a message that says which.
import type { Store, Tenant } from '../storage/store.ts';
import { UsageError } from './io.ts';

export async function findTenant(store: Store, idOrName: string | undefined): Promise<Tenant> {
  if (idOrName === undefined) throw new UsageError('TENANT (an id or a name) is required');
  const tenant = await store.findTenant(idOrName);
  if (!tenant) throw new UsageError(`no tenant has the id or name ${JSON.stringify(idOrName)}`);
  return tenant;
}
