// `lumetry key create|list|revoke`. A new key's secret is printed once; only its hash is stored.
import * as v from 'valibot';
import { apiKeyScopes } from '../../storage/store.ts';
import { createApiKey } from '../../tenancy.ts';
import { allowOnly, check } from '../args.ts';
import { type Command, print } from '../command.ts';
import { findTenant } from '../find-tenant.ts';
import { UsageError } from '../io.ts';

const scope = v.picklist(apiKeyScopes, `must be one of ${apiKeyScopes.join(', ')}`);

export const keyCreate: Command = {
  words: ['key', 'create'],
  usage: 'lumetry key create TENANT --scope ingest|console [--admin]',
  summary: 'create an API key and print its secret once; --admin lets a console key see System Health',
  run: async (context) => {
    allowOnly(context.flags, ['scope', 'admin']);
    const keyScope = check(scope, context.flags.scope, '--scope');
    if (context.flags.admin && keyScope !== 'console') throw new UsageError('--admin applies to console keys only');
    const store = await context.store();
    const tenant = await findTenant(store, context.args[0]);
    const { key, secret } = await createApiKey(store, tenant.id, keyScope, { admin: context.flags.admin === true });
    print(
      context,
      `created ${key.admin ? 'admin ' : ''}${key.scope} key ${key.id} for tenant ${tenant.name}\n${secret}\nThis is the only time the key is shown: store it now.`,
      { ...key, secret },
    );
    return 0;
  },
};

export const keyList: Command = {
  words: ['key', 'list'],
  usage: 'lumetry key list TENANT',
  summary: "list a tenant's keys (prefixes only)",
  run: async (context) => {
    allowOnly(context.flags, []);
    const store = await context.store();
    const keys = await store.listApiKeys((await findTenant(store, context.args[0])).id);
    const lines = keys.map((k) => `${k.id}  ${k.scope.padEnd(7)}  ${k.prefix}…  ${k.revokedAt === null ? 'active' : 'revoked'}${k.admin ? '  admin' : ''}`);
    print(context, lines.join('\n') || '(no keys)', keys);
    return 0;
  },
};

export const keyRevoke: Command = {
  words: ['key', 'revoke'],
  usage: 'lumetry key revoke TENANT KEY_ID',
  summary: 'revoke an API key at once',
  run: async (context) => {
    allowOnly(context.flags, []);
    const store = await context.store();
    const tenant = await findTenant(store, context.args[0]);
    const keyId = context.args[1];
    if (keyId === undefined) throw new UsageError('KEY_ID is required');
    if (!(await store.revokeApiKey(tenant.id, keyId))) throw new UsageError(`tenant ${tenant.name} has no active key ${keyId}`);
    print(context, `revoked key ${keyId}`, { id: keyId, revoked: true });
    return 0;
  },
};
