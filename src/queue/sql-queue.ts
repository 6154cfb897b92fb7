// The durable queue on the store's own database. Claims are one UPDATE over a sub-select:
// PostgreSQL adds FOR UPDATE SKIP LOCKED so concurrent workers never wait for or share an item;
// SQLite runs the statement under its single write lock, which gives the same guarantee.
// The statement functions take an executor so the store can enqueue and ack inside its own
// transactions (events and their queue items commit together or not at all).
import type { Dialect, Param, Row, SqlDriver, SqlExecutor } from '../storage/sql.ts';
import { inList, insertChunks, valuesRows } from '../storage/sql-shapes.ts';
import type { ClaimOptions, DurableQueue, NewQueueItem, QueueItem, QueueName, QueueStats } from './durable-queue.ts';

/** The most ids one IN list holds (after padding to a power of two). */
export const idsPerStatement = 256;

export async function enqueueItems(tx: SqlExecutor, queue: QueueName, items: readonly NewQueueItem[], now: number): Promise<void> {
  for (const chunk of insertChunks(items)) {
    const params: Param[] = chunk.flatMap((item) => [queue, item.payload, item.traceContext, item.receivedAt, now, item.availableAt ?? now]);
    await tx.execute(
      `INSERT INTO queue_items (queue, payload, trace_context, received_at, enqueued_at, available_at) VALUES ${valuesRows(chunk.length, 6)}`,
      params,
    );
  }
}

export async function ackItems(tx: SqlExecutor, owner: string, ids: readonly number[]): Promise<number> {
  let acked = 0;
  for (const chunk of slices(ids, idsPerStatement)) {
    const list = inList(chunk, 2);
    acked += await tx.execute(`DELETE FROM queue_items WHERE lease_owner = $1 AND id IN (${list.sql})`, [owner, ...list.params]);
  }
  return acked;
}

export function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

export function retryItem(tx: SqlExecutor, owner: string, id: number, availableAt: number, error: string): Promise<number> {
  return tx.execute(
    'UPDATE queue_items SET lease_owner = NULL, available_at = $3, last_error = $4 WHERE id = $1 AND lease_owner = $2 AND dead_lettered_at IS NULL',
    [id, owner, availableAt, error],
  );
}

export function deadLetterItem(tx: SqlExecutor, owner: string, id: number, error: string, now: number): Promise<number> {
  return tx.execute(
    'UPDATE queue_items SET lease_owner = NULL, dead_lettered_at = $3, last_error = $4 WHERE id = $1 AND lease_owner = $2 AND dead_lettered_at IS NULL',
    [id, owner, now, error],
  );
}

export function createSqlQueue(driver: SqlDriver, clock: () => number = Date.now): DurableQueue {
  const claimSql = claimStatement(driver.dialect);
  return {
    enqueue: (queue, items) => driver.transaction((tx) => enqueueItems(tx, queue, items, clock())),

    claim: async (queue, options: ClaimOptions) => {
      const now = clock();
      const rows = await driver.query(claimSql, [options.owner, now + options.leaseMs, queue, now, options.limit]);
      return rows.map(toItem).sort((a, b) => a.id - b.id);
    },

    ack: (owner, ids) => (ids.length === 0 ? Promise.resolve(0) : ackItems(driver, owner, ids)),

    retry: async (owner, id, availableAt, error) => (await retryItem(driver, owner, id, availableAt, error)) === 1,

    deadLetter: async (owner, id, error) => (await deadLetterItem(driver, owner, id, error, clock())) === 1,

    release: async (owner, ids) => {
      let released = 0;
      for (const chunk of slices(ids, idsPerStatement)) {
        const list = inList(chunk, 3);
        released += await driver.execute(
          `UPDATE queue_items SET lease_owner = NULL, available_at = $2, attempts = attempts - 1
           WHERE lease_owner = $1 AND dead_lettered_at IS NULL AND id IN (${list.sql})`,
          [owner, clock(), ...list.params],
        );
      }
      return released;
    },

    ping: async () => void (await driver.query('SELECT id FROM queue_items LIMIT 1')),

    stats: async (queue): Promise<QueueStats> => {
      const now = clock();
      const [live] = await driver.query(
        `SELECT COUNT(*) AS depth, MIN(received_at) AS oldest,
                COALESCE(SUM(CASE WHEN lease_owner IS NOT NULL AND available_at > $2 THEN 1 ELSE 0 END), 0) AS in_flight
         FROM queue_items WHERE queue = $1 AND dead_lettered_at IS NULL`,
        [queue, now],
      );
      const [dead] = await driver.query('SELECT COUNT(*) AS dead FROM queue_items WHERE queue = $1 AND dead_lettered_at IS NOT NULL', [queue]);
      const oldest = live?.oldest === null || live?.oldest === undefined ? null : Number(live.oldest);
      return {
        depth: Number(live?.depth ?? 0),
        oldestAgeMs: oldest === null ? 0 : Math.max(0, now - oldest),
        inFlight: Number(live?.in_flight ?? 0),
        deadLettered: Number(dead?.dead ?? 0),
      };
    },
  };
}

function claimStatement(dialect: Dialect): string {
  const lock = dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  return `UPDATE queue_items SET lease_owner = $1, available_at = $2, attempts = attempts + 1
          WHERE id IN (
            SELECT id FROM queue_items
            WHERE queue = $3 AND dead_lettered_at IS NULL AND available_at <= $4
            ORDER BY available_at, id LIMIT $5 ${lock})
          RETURNING id, queue, payload, received_at, enqueued_at, trace_context, attempts`;
}

function toItem(row: Row): QueueItem {
  return {
    id: Number(row.id),
    queue: row.queue as QueueName,
    payload: String(row.payload),
    receivedAt: Number(row.received_at),
    enqueuedAt: Number(row.enqueued_at),
    traceContext: row.trace_context === null ? null : String(row.trace_context),
    attempts: Number(row.attempts),
  };
}
