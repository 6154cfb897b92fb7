// What the console reads and changes: sessions, newest-first lists of events and deliveries, and
// replays of dead-lettered deliveries.
import { enqueueItems } from '../queue/sql-queue.ts';
import type { Param, Row, SqlDriver } from './sql.ts';
import { workChannel } from './sql-pipeline.ts';
import type { DeliveryStatus, DeliverySummary, EventSummary, Store } from './store.ts';

type ConsoleStore = Pick<Store, 'createSession' | 'findSession' | 'revokeSession' | 'listEvents' | 'listDeliveries' | 'replayDelivery'>;

export function createSqlConsole(driver: SqlDriver, clock: () => number): ConsoleStore {
  return {
    createSession: (hash, session) =>
      driver.transaction(async (tx) => {
        await tx.execute('DELETE FROM console_sessions WHERE expires_at < $1', [clock()]);
        await tx.execute(
          'INSERT INTO console_sessions (hash, tenant_id, api_key_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [hash, session.tenantId, session.apiKeyId, session.csrfToken, clock(), session.expiresAt],
        );
      }),

    findSession: async (hash) => {
      const [row] = await driver.query(
        `SELECT s.tenant_id, s.api_key_id, s.csrf_token, s.expires_at, k.admin FROM console_sessions s
         JOIN api_keys k ON k.id = s.api_key_id
         WHERE s.hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND k.revoked_at IS NULL`,
        [hash, clock()],
      );
      return row && { tenantId: String(row.tenant_id), apiKeyId: String(row.api_key_id), admin: Boolean(row.admin), csrfToken: String(row.csrf_token), expiresAt: Number(row.expires_at) };
    },

    revokeSession: async (hash) => void (await driver.execute('UPDATE console_sessions SET revoked_at = $2 WHERE hash = $1', [hash, clock()])),

    // Client-chosen ids do not sort by time, so events are ordered by arrival and paged by the
    // (received_at, id) of the last one shown.
    listEvents: async (tenantId, page) => {
      const params: Param[] = [tenantId, page.limit];
      const cursor = page.before === undefined ? '' : `AND (received_at, id) < (SELECT received_at, id FROM events WHERE tenant_id = $1 AND id = $${params.push(page.before)})`;
      const rows = await driver.query(
        `SELECT id, type, occurred_at, received_at, processed_at FROM events WHERE tenant_id = $1 ${cursor} ORDER BY received_at DESC, id DESC LIMIT $2`,
        params,
      );
      return rows.map(toEvent);
    },

    listDeliveries: async (tenantId, filter) => {
      const params: Param[] = [tenantId, filter.limit];
      const status = filter.status === undefined ? '' : `AND d.status = $${params.push(filter.status)}`;
      const before = filter.before === undefined ? '' : `AND d.id < $${params.push(filter.before)}`;
      const rows = await driver.query(
        `SELECT d.*, e.type AS event_type, s.name AS destination_name FROM deliveries d
         JOIN events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id
         JOIN destinations s ON s.id = d.destination_id
         WHERE d.tenant_id = $1 ${status} ${before} ORDER BY d.id DESC LIMIT $2`,
        params,
      );
      return rows.map(toDelivery);
    },

    replayDelivery: (tenantId, id) =>
      driver.transaction(async (tx) => {
        const now = clock();
        const changed = await tx.execute(
          "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL, updated_at = $3 WHERE tenant_id = $1 AND id = $2 AND status = 'dead'",
          [tenantId, id, now],
        );
        if (changed === 0) {
          const [exists] = await tx.query('SELECT 1 AS found FROM deliveries WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
          return exists ? 'not_dead' : 'not_found';
        }
        const payload = JSON.stringify({ deliveryId: id });
        await tx.execute("DELETE FROM queue_items WHERE queue = 'delivery' AND payload = $1", [payload]);
        await enqueueItems(tx, 'delivery', [{ payload, receivedAt: now, traceContext: null }], now);
        await driver.signals?.notify(tx, workChannel, 'delivery');
        return 'replayed';
      }),
  };
}

const optional = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toEvent(row: Row): EventSummary {
  return { id: String(row.id), type: String(row.type), occurredAt: optional(row.occurred_at), receivedAt: Number(row.received_at), processedAt: optional(row.processed_at) };
}

function toDelivery(row: Row): DeliverySummary {
  return {
    id: String(row.id),
    eventId: String(row.event_id),
    eventType: String(row.event_type),
    destinationId: String(row.destination_id),
    destinationName: String(row.destination_name),
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    lastStatusCode: optional(row.last_status_code),
    lastError: row.last_error === null ? null : String(row.last_error),
    lastAttemptAt: optional(row.last_attempt_at),
    nextAttemptAt: optional(row.next_attempt_at),
    createdAt: Number(row.created_at),
    deliveredAt: optional(row.delivered_at),
  };
}
