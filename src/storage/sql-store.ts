// The Store over either SQL driver: the SQL text and the row mapping exist once for both dialects.
import { newId } from '../ids.ts';
import { createSqlConsole } from './sql-console.ts';
import { createSqlHeartbeats } from './sql-heartbeats.ts';
import { createSqlPipeline } from './sql-pipeline.ts';
import type { Row, SqlDriver } from './sql.ts';
import type { ApiKey, ApiKeyScope, Destination, NewApiKey, NewDestination, Store, Tenant } from './store.ts';

export function createSqlStore(driver: SqlDriver, clock: () => number = Date.now): Store {
  return {
    dialect: driver.dialect,

    ping: async () => void (await driver.query('SELECT 1 AS ok')),

    createTenant: async (name) => {
      const tenant: Tenant = { id: newId('ten'), name, createdAt: clock() };
      await driver.execute('INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)', [tenant.id, tenant.name, tenant.createdAt]);
      return tenant;
    },

    findTenant: async (idOrName) => {
      const rows = await driver.query('SELECT * FROM tenants WHERE id = $1 OR name = $1 ORDER BY id = $1 DESC LIMIT 1', [idOrName]);
      return rows[0] && toTenant(rows[0]);
    },

    listTenants: async () => (await driver.query('SELECT * FROM tenants ORDER BY id')).map(toTenant),

    insertApiKey: async (input: NewApiKey) => {
      const key: ApiKey = { id: newId('key'), tenantId: input.tenantId, scope: input.scope, prefix: input.prefix, admin: input.admin === true, createdAt: clock(), revokedAt: null };
      await driver.execute(
        'INSERT INTO api_keys (id, tenant_id, scope, prefix, hash, admin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [key.id, key.tenantId, key.scope, key.prefix, input.hash, key.admin, key.createdAt],
      );
      return key;
    },

    findApiKeyByHash: async (hash) => {
      const rows = await driver.query('SELECT * FROM api_keys WHERE hash = $1', [hash]);
      return rows[0] && toApiKey(rows[0]);
    },

    listApiKeys: async (tenantId) =>
      (await driver.query('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY id', [tenantId])).map(toApiKey),

    revokeApiKey: async (tenantId, keyId) =>
      (await driver.execute('UPDATE api_keys SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL', [
        tenantId,
        keyId,
        clock(),
      ])) === 1,

    createDestination: async (input: NewDestination) => {
      const now = clock();
      const destination: Destination = { ...input, eventTypes: [...input.eventTypes], id: newId('dst'), createdAt: now, updatedAt: now };
      await driver.execute(
        `INSERT INTO destinations (id, tenant_id, name, url, signing_secret, event_types, enabled, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          destination.id,
          destination.tenantId,
          destination.name,
          destination.url,
          destination.signingSecret,
          JSON.stringify(destination.eventTypes),
          destination.enabled,
          now,
          now,
        ],
      );
      return destination;
    },

    listDestinations: async (tenantId) =>
      (await driver.query('SELECT * FROM destinations WHERE tenant_id = $1 ORDER BY id', [tenantId])).map(toDestination),

    getDestination: async (tenantId, id) => {
      const [row] = await driver.query('SELECT * FROM destinations WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return row && toDestination(row);
    },

    updateDestination: (tenantId, id, patch) =>
      driver.transaction(async (tx) => {
        const [row] = await tx.query('SELECT * FROM destinations WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
        if (!row) return undefined;
        const next: Destination = { ...toDestination(row), ...patch, updatedAt: clock() };
        await tx.execute('UPDATE destinations SET name = $3, url = $4, event_types = $5, enabled = $6, updated_at = $7 WHERE tenant_id = $1 AND id = $2', [
          tenantId,
          id,
          next.name,
          next.url,
          JSON.stringify(next.eventTypes),
          next.enabled,
          next.updatedAt,
        ]);
        return next;
      }),

    ...createSqlPipeline(driver, clock),
    ...createSqlConsole(driver, clock),
    ...createSqlHeartbeats(driver),

    close: () => driver.close(),
  };
}

function toTenant(row: Row): Tenant {
  return { id: String(row.id), name: String(row.name), createdAt: Number(row.created_at) };
}

function toApiKey(row: Row): ApiKey {
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    scope: row.scope as ApiKeyScope,
    prefix: String(row.prefix),
    admin: Boolean(row.admin),
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

function toDestination(row: Row): Destination {
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    name: String(row.name),
    url: String(row.url),
    signingSecret: String(row.signing_secret),
    eventTypes: JSON.parse(String(row.event_types)) as string[],
    enabled: Boolean(row.enabled),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
