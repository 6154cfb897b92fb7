// The first schema. Times are milliseconds since the epoch (BIGINT) on both dialects; JSON is stored
// as text so both dialects read it the same way. Only the auto-numbered queue id differs.
// A queue item is claimable when `available_at` has passed; a claim moves `available_at` to the end
// of its lease, so an expired lease makes the item claimable again with no separate column.
import type { Dialect } from '../sql.ts';

export const version = 1;
export const name = 'initial schema';

export function sql(dialect: Dialect): string {
  const serial = dialect === 'postgres' ? 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
  return `
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  scope TEXT NOT NULL CHECK (scope IN ('ingest', 'console')),
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  admin BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

CREATE TABLE destinations (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  signing_secret TEXT NOT NULL,
  event_types TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX destinations_tenant ON destinations (tenant_id);

CREATE TABLE events (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  occurred_at BIGINT,
  received_at BIGINT NOT NULL,
  processed_at BIGINT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX events_tenant_received ON events (tenant_id, received_at);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  destination_id TEXT NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status_code INTEGER,
  last_error TEXT,
  last_attempt_at BIGINT,
  next_attempt_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  delivered_at BIGINT,
  FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id) ON DELETE CASCADE,
  UNIQUE (tenant_id, event_id, destination_id)
);
CREATE INDEX deliveries_tenant_status ON deliveries (tenant_id, status, updated_at);

CREATE TABLE queue_items (
  id ${serial},
  queue TEXT NOT NULL,
  payload TEXT NOT NULL,
  trace_context TEXT,
  received_at BIGINT NOT NULL,
  enqueued_at BIGINT NOT NULL,
  available_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  dead_lettered_at BIGINT,
  last_error TEXT
);
CREATE INDEX queue_items_ready ON queue_items (queue, available_at) WHERE dead_lettered_at IS NULL;
CREATE INDEX queue_items_oldest ON queue_items (queue, received_at) WHERE dead_lettered_at IS NULL;
CREATE INDEX queue_items_dead ON queue_items (queue) WHERE dead_lettered_at IS NOT NULL;

CREATE TABLE console_sessions (
  hash TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  api_key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
CREATE INDEX deliveries_tenant_created ON deliveries (tenant_id, id);

CREATE TABLE instance_heartbeats (
  instance_id TEXT PRIMARY KEY,
  service TEXT NOT NULL,
  host TEXT NOT NULL,
  version TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  interval_ms INTEGER NOT NULL,
  ready BOOLEAN NOT NULL,
  failing_checks TEXT NOT NULL
);
`;
}
