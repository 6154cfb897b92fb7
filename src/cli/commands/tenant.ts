// `lumetry tenant create|list`.
import { tenantName } from '../../input-schemas.ts';
import { StoreError } from '../../storage/store-error.ts';
import { allowOnly, check } from '../args.ts';
import { type Command, print } from '../command.ts';
import { UsageError } from '../io.ts';

export const tenantCreate: Command = {
  words: ['tenant', 'create'],
  usage: 'lumetry tenant create NAME',
  summary: 'create a tenant',
  run: async (context) => {
    allowOnly(context.flags, []);
    const name = check(tenantName, context.args[0] ?? '', 'NAME');
    const store = await context.store();
    try {
      const tenant = await store.createTenant(name);
      print(context, `created tenant ${tenant.id} (${tenant.name})`, tenant);
      return 0;
    } catch (error) {
      if (error instanceof StoreError && error.code === 'conflict') throw new UsageError(`a tenant named ${JSON.stringify(name)} exists`);
      throw error;
    }
  },
};

export const tenantList: Command = {
  words: ['tenant', 'list'],
  usage: 'lumetry tenant list',
  summary: 'list tenants',
  run: async (context) => {
    allowOnly(context.flags, []);
    const tenants = await (await context.store()).listTenants();
    print(context, tenants.map((t) => `${t.id}  ${t.name}`).join('\n') || '(no tenants)', tenants);
    return 0;
  },
};
