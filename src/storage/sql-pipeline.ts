// The pipeline's storage steps. Each runs in one transaction so a crash leaves either all of a step
// or none of it: accepted events with their ingest items; deliveries with their delivery items and
// the ingest acks; delivery outcomes with their queue settlements.
import { matchesEventType } from '../event-types.ts';
import { newId } from '../ids.ts';
import type { QueueItem } from '../queue/durable-queue.ts';
import { ackItems, deadLetterItem, enqueueItems, idsPerStatement, retryItem, slices } from '../queue/sql-queue.ts';
import type { Param, Row, SqlDriver, SqlExecutor } from './sql.ts';
import { inList, insertChunks, valuesRows } from './sql-shapes.ts';
import { type AcceptedEvents, type DeliveryJob, type DeliveryJobs, type DeliveryOutcome, type FanOutResult, type IncomingEvent, type Store, unreadablePayload } from './store.ts';

type PipelineStore = Pick<Store, 'acceptEvents' | 'fanOut' | 'loadDeliveryJobs' | 'recordDeliveryOutcomes' | 'onWork'>;

/** The PostgreSQL NOTIFY channel on which committed work wakes workers. */
export const workChannel = 'lumetry_work';

export function createSqlPipeline(driver: SqlDriver, clock: () => number): PipelineStore {
  return {
    acceptEvents: (tenantId, events, meta) =>
      driver.transaction(async (tx): Promise<AcceptedEvents> => {
        const seen = new Set<string>();
        const unique: IncomingEvent[] = [];
        const repeated: string[] = [];
        for (const event of events) {
          if (seen.has(event.id)) {
            repeated.push(event.id);
          } else {
            seen.add(event.id);
            unique.push(event);
          }
        }
        const inserted = new Set<string>();
        for (const chunk of insertChunks(unique)) {
          for (const row of await insertEvents(tx, tenantId, chunk, meta.receivedAt)) inserted.add(String(row.id));
        }
        const accepted = unique.filter((event) => inserted.has(event.id)).map((event) => event.id);
        const payloads = accepted.map((eventId) => ({ payload: JSON.stringify({ tenantId, eventId }), receivedAt: meta.receivedAt, traceContext: meta.traceContext }));
        await enqueueItems(tx, 'ingest', payloads, clock());
        if (accepted.length > 0) await driver.signals?.notify(tx, workChannel, 'ingest');
        const duplicates = [...unique.filter((event) => !inserted.has(event.id)).map((event) => event.id), ...repeated];
        return { accepted, duplicates };
      }),

    fanOut: (owner, items) =>
      driver.transaction(async (tx): Promise<FanOutResult> => {
        const now = clock();
        const refs = items.map((item) => ({ item, ...(JSON.parse(item.payload) as { tenantId: string; eventId: string }) }));
        const byTenant = Map.groupBy(refs, (ref) => ref.tenantId);
        let deliveries = 0;
        let events = 0;
        for (const [tenantId, tenantRefs] of byTenant) {
          const destinations = await tx.query('SELECT id, event_types FROM destinations WHERE tenant_id = $1 AND enabled', [tenantId]);
          const patterns = destinations.map((d) => ({ id: String(d.id), types: JSON.parse(String(d.event_types)) as string[] }));
          for (const chunk of slices(tenantRefs, idsPerStatement)) {
            const eventIds = chunk.map((ref) => ref.eventId);
            const selected = inList(eventIds, 2);
            const found = await tx.query(`SELECT id, type FROM events WHERE tenant_id = $1 AND id IN (${selected.sql})`, [tenantId, ...selected.params]);
            const typeOf = new Map(found.map((row) => [String(row.id), String(row.type)]));
            events += found.length;
            const planned = chunk.flatMap((ref) => {
              const type = typeOf.get(ref.eventId);
              if (type === undefined) return [];
              return patterns.filter((d) => matchesEventType(d.types, type)).map((d) => ({ ref, destinationId: d.id, id: newId('dlv', now) }));
            });
            const created = new Set<string>();
            for (const part of insertChunks(planned)) {
              for (const row of await insertDeliveries(tx, tenantId, part, now)) created.add(String(row.id));
            }
            const queued = planned.filter((p) => created.has(p.id));
            deliveries += queued.length;
            await enqueueItems(
              tx,
              'delivery',
              queued.map((p) => ({ payload: JSON.stringify({ deliveryId: p.id }), receivedAt: p.ref.item.receivedAt, traceContext: p.ref.item.traceContext })),
              now,
            );
            const processed = inList(eventIds, 3);
            await tx.execute(`UPDATE events SET processed_at = $1 WHERE tenant_id = $2 AND processed_at IS NULL AND id IN (${processed.sql})`, [now, tenantId, ...processed.params]);
          }
        }
        await ackItems(tx, owner, items.map((item) => item.id));
        if (deliveries > 0) await driver.signals?.notify(tx, workChannel, 'delivery');
        return { events, deliveries };
      }),

    loadDeliveryJobs: async (owner, items) => {
      const byDelivery = new Map<string, QueueItem>();
      const unreadable: QueueItem[] = [];
      for (const item of items) {
        const deliveryId = deliveryIdOf(item.payload);
        if (deliveryId === undefined) unreadable.push(item);
        else byDelivery.set(deliveryId, item);
      }
      const jobs: DeliveryJob[] = [];
      for (const chunk of slices([...byDelivery.keys()], idsPerStatement)) {
        const ids = inList(chunk, 1);
        const rows = await driver.query(
          `SELECT d.id AS delivery_id, d.tenant_id, d.attempts, e.id AS event_id, e.type, e.occurred_at, e.received_at, e.data,
                  s.id AS destination_id, s.url, s.signing_secret, s.enabled
           FROM deliveries d
           JOIN events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id
           JOIN destinations s ON s.id = d.destination_id
           WHERE d.status = 'pending' AND d.id IN (${ids.sql})`,
          ids.params,
        );
        for (const row of rows) jobs.push(toJob(row, byDelivery.get(String(row.delivery_id))!));
      }
      const settled = new Set(jobs.map((job) => job.item.id));
      const stale = [...byDelivery.values()].filter((item) => !settled.has(item.id)).map((item) => item.id);
      if (stale.length > 0) await ackItems(driver, owner, stale);
      const parked: QueueItem[] = [];
      const now = clock();
      for (const item of unreadable) {
        if ((await deadLetterItem(driver, owner, item.id, unreadablePayload, now)) === 1) parked.push(item);
      }
      return { jobs, parked };
    },

    onWork: async (onWork) => {
      if (!driver.signals) return async () => {};
      return driver.signals.listen(workChannel, (payload) => {
        if (payload === 'ingest' || payload === 'delivery') onWork(payload);
      });
    },

    recordDeliveryOutcomes: (owner, outcomes) =>
      driver.transaction(async (tx) => {
        const delivered = outcomes.filter((o) => o.kind === 'delivered');
        for (const [statusCode, group] of Map.groupBy(delivered, (o) => o.statusCode)) {
          for (const part of slices(group, idsPerStatement)) {
            const at = Math.max(...part.map((o) => o.at));
            const ids = inList(part.map((o) => o.job.deliveryId), 3);
            await tx.execute(
              `UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_status_code = $1, last_error = NULL,
                 last_attempt_at = $2, delivered_at = $2, next_attempt_at = NULL, updated_at = $2
               WHERE status = 'pending' AND id IN (${ids.sql})`,
              [statusCode, at, ...ids.params],
            );
          }
        }
        await ackItems(tx, owner, delivered.map((o) => o.job.item.id));
        for (const outcome of outcomes) {
          if (outcome.kind === 'delivered') continue;
          const dead = outcome.kind === 'dead';
          await tx.execute(
            `UPDATE deliveries SET status = $2, attempts = attempts + 1, last_status_code = $3, last_error = $4,
               last_attempt_at = $5, next_attempt_at = $6, updated_at = $5
             WHERE id = $1 AND status = 'pending'`,
            [outcome.job.deliveryId, dead ? 'dead' : 'pending', outcome.statusCode, outcome.error, outcome.at, dead ? null : outcome.nextAttemptAt],
          );
          if (dead) await deadLetterItem(tx, owner, outcome.job.item.id, outcome.error, outcome.at);
          else await retryItem(tx, owner, outcome.job.item.id, outcome.nextAttemptAt, outcome.error);
        }
      }),
  };
}

function insertEvents(tx: SqlExecutor, tenantId: string, events: readonly IncomingEvent[], receivedAt: number): Promise<Row[]> {
  const params: Param[] = events.flatMap((event) => [tenantId, event.id, event.type, event.data, event.occurredAt, receivedAt]);
  return tx.query(
    `INSERT INTO events (tenant_id, id, type, data, occurred_at, received_at) VALUES ${valuesRows(events.length, 6)}
     ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id`,
    params,
  );
}

function insertDeliveries(tx: SqlExecutor, tenantId: string, planned: readonly { ref: { eventId: string }; destinationId: string; id: string }[], now: number): Promise<Row[]> {
  const params: Param[] = planned.flatMap((p) => [p.id, tenantId, p.ref.eventId, p.destinationId, 'pending', 0, now, now]);
  return tx.query(
    `INSERT INTO deliveries (id, tenant_id, event_id, destination_id, status, attempts, created_at, updated_at) VALUES ${valuesRows(planned.length, 8)}
     ON CONFLICT (tenant_id, event_id, destination_id) DO NOTHING RETURNING id`,
    params,
  );
}

function deliveryIdOf(payload: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const id = typeof parsed === 'object' && parsed !== null ? (parsed as { deliveryId?: unknown }).deliveryId : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function toJob(row: Row, item: QueueItem): DeliveryJob {
  return {
    item,
    deliveryId: String(row.delivery_id),
    tenantId: String(row.tenant_id),
    attempts: Number(row.attempts),
    event: {
      id: String(row.event_id),
      type: String(row.type),
      occurredAt: row.occurred_at === null ? null : Number(row.occurred_at),
      receivedAt: Number(row.received_at),
      data: String(row.data),
    },
    destination: { id: String(row.destination_id), url: String(row.url), signingSecret: String(row.signing_secret), enabled: Boolean(row.enabled) },
  };
}
