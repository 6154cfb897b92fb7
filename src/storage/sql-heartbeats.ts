// Instance heartbeats: one row per running process, rewritten every few seconds and removed on a
// clean stop, so the System Health page shows every instance, not only the one that serves it.
import type { Row, SqlDriver } from './sql.ts';
import type { Heartbeat, Store } from './store.ts';

type HeartbeatStore = Pick<Store, 'recordHeartbeat' | 'removeHeartbeat' | 'listHeartbeats' | 'pruneHeartbeats'>;

export function createSqlHeartbeats(driver: SqlDriver): HeartbeatStore {
  return {
    recordHeartbeat: async (h) =>
      void (await driver.execute(
        `INSERT INTO instance_heartbeats (instance_id, service, host, version, started_at, last_seen_at, interval_ms, ready, failing_checks)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (instance_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, interval_ms = excluded.interval_ms,
           ready = excluded.ready, failing_checks = excluded.failing_checks`,
        [h.instanceId, h.service, h.host, h.version, h.startedAt, h.lastSeenAt, h.intervalMs, h.ready, JSON.stringify(h.failingChecks)],
      )),
    removeHeartbeat: async (instanceId) => void (await driver.execute('DELETE FROM instance_heartbeats WHERE instance_id = $1', [instanceId])),
    pruneHeartbeats: (now, missedBeats) => driver.execute('DELETE FROM instance_heartbeats WHERE last_seen_at + $2 * interval_ms < $1', [now, missedBeats]),
    listHeartbeats: async () => (await driver.query('SELECT * FROM instance_heartbeats ORDER BY service, started_at')).map(toHeartbeat),
  };
}

function toHeartbeat(row: Row): Heartbeat {
  return {
    instanceId: String(row.instance_id),
    service: String(row.service),
    host: String(row.host),
    version: String(row.version),
    startedAt: Number(row.started_at),
    lastSeenAt: Number(row.last_seen_at),
    intervalMs: Number(row.interval_ms),
    ready: Boolean(row.ready),
    failingChecks: JSON.parse(String(row.failing_checks)) as string[],
  };
}
