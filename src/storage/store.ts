// The storage contract every Lumetry process uses. Two adapters implement it (SQLite, PostgreSQL)
// and one contract test suite runs against both.
import type { Dialect } from './sql.ts';

export type ApiKeyScope = 'ingest' | 'console';
export const apiKeyScopes: readonly ApiKeyScope[] = ['ingest', 'console'];

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface ApiKey {
  readonly id: string;
  readonly tenantId: string;
  readonly scope: ApiKeyScope;
  /** Safe to display: identifies the key without revealing it. */
  readonly prefix: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface NewApiKey {
  readonly tenantId: string;
  readonly scope: ApiKeyScope;
  readonly prefix: string;
  readonly hash: string;
}

export interface Destination {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly url: string;
  readonly signingSecret: string;
  /** Event types this destination receives; `*` matches every type. */
  readonly eventTypes: readonly string[];
  readonly enabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewDestination = Pick<Destination, 'tenantId' | 'name' | 'url' | 'signingSecret' | 'eventTypes' | 'enabled'>;

export interface Store {
  readonly dialect: Dialect;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Fails with StoreError `conflict` when the name is taken. */
  createTenant(name: string): Promise<Tenant>;
  findTenant(idOrName: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;
  insertApiKey(key: NewApiKey): Promise<ApiKey>;
  /** Finds a key by the hash of its secret, revoked or not. */
  findApiKeyByHash(hash: string): Promise<ApiKey | undefined>;
  listApiKeys(tenantId: string): Promise<ApiKey[]>;
  /** Resolves false when the tenant has no such active key. */
  revokeApiKey(tenantId: string, keyId: string): Promise<boolean>;
  createDestination(destination: NewDestination): Promise<Destination>;
  listDestinations(tenantId: string): Promise<Destination[]>;
  close(): Promise<void>;
}
