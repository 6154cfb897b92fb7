// The ingest side of the worker: claim a batch from `ingest`, and in one transaction store one
// delivery per matching destination, queue those on `delivery`, and ack the batch. A crash before
// the commit leaves the lease to expire and the batch to be claimed again: nothing is lost.
// A batch the store refuses for a reason other than an outage is fanned out again one item at a
// time, so an item that cannot be fanned out (a damaged row) neither holds back nor parks the items
// claimed with it. Only an item that failed on its own is tried again later and, after
// `maxIngestAttempts` claims, parked as a dead letter. An outage (the database unavailable, locked
// or out of space) parks nothing: the batch returns when its lease expires.
import type { DurableQueue, QueueItem } from '../src/queue/durable-queue.ts';
import { errorType, isRetryable } from '../src/storage/store-error.ts';
import type { Store } from '../src/storage/store.ts';
import { errorFields } from '../src/telemetry/error-fields.ts';
import type { Logger } from '../src/telemetry/logger.ts';
import type { PipelineMetrics } from '../src/telemetry/pipeline-metrics.ts';
import type { QueueTracing } from '../src/telemetry/queue-tracing.ts';
import type { IdleWait } from './idle-wait.ts';

/** An ingest item that failed on its own at this claim or a later one is parked. */
export const maxIngestAttempts = 10;

export interface FanOutLoopOptions {
  readonly store: Store;
  readonly queue: DurableQueue;
  readonly logger: Logger;
  readonly owner: string;
  readonly batchSize: number;
  readonly leaseMs: number;
  /** First wait before an item that failed on its own is tried again; it doubles, up to the lease. */
  readonly retryBaseMs: number;
  readonly idle: IdleWait;
  /** Called when deliveries were queued, to wake the delivery loop at once. */
  readonly onDeliveriesQueued: () => void;
  readonly metrics: PipelineMetrics;
  readonly tracing: QueueTracing;
}

export async function runFanOutLoop(options: FanOutLoopOptions, signal: AbortSignal): Promise<void> {
  const { queue, logger, owner, metrics } = options;
  while (!signal.aborted) {
    const started = performance.now();
    try {
      const claimed = await queue.claim('ingest', { limit: options.batchSize, leaseMs: options.leaseMs, owner });
      if (claimed.length === 0) {
        await options.idle.wait(signal);
        continue;
      }
      options.idle.reset();
      metrics.claimed('ingest', claimed.length);
      await fanOutIsolating(options, claimed);
      metrics.cycle('ingest', (performance.now() - started) / 1000, 'ok');
    } catch (error) {
      metrics.cycle('ingest', (performance.now() - started) / 1000, 'error');
      logger.error('processing cycle failed: its items return when their lease expires', { error: errorFields(error), lumetry: { queue: 'ingest' } });
      await options.idle.wait(signal);
    }
  }
}

async function fanOutIsolating(options: FanOutLoopOptions, items: readonly QueueItem[]): Promise<void> {
  try {
    return await fanOut(options, items);
  } catch (error) {
    if (isRetryable(error)) throw error;
    if (items.length === 1) return setAside(options, items[0]!, error);
    options.logger.warn('fan-out of a batch failed: its items are tried one at a time', { error: errorFields(error), lumetry: { queue: 'ingest', items: items.length } });
  }
  for (const item of items) {
    try {
      await fanOut(options, [item]);
    } catch (error) {
      if (isRetryable(error)) throw error;
      await setAside(options, item, error);
    }
  }
}

/** One transaction for `items`, each item's consumer span the parent of the deliveries queued for it. */
async function fanOut(options: FanOutLoopOptions, items: readonly QueueItem[]): Promise<void> {
  const { tracing, metrics } = options;
  const spans = items.map((item) => tracing.process('ingest', item));
  const traced = items.map((item, i) => ({ ...item, traceContext: spans[i]!.traceContext }));
  const operation = { type: 'process', name: 'fan_out' } as const;
  let deliveries: number;
  try {
    ({ deliveries } = await tracing.batch('ingest', operation, traced.map((item) => item.traceContext), () => options.store.fanOut(options.owner, traced)));
  } catch (error) {
    for (const span of spans) span.end(errorType(error));
    throw error;
  }
  for (const span of spans) span.end();
  const now = Date.now();
  for (const item of items) metrics.ingestionLatency((now - item.receivedAt) / 1000);
  metrics.acked('ingest', items.length);
  metrics.enqueued('delivery', deliveries);
  if (deliveries > 0) options.onDeliveriesQueued();
}

/** An item that failed on its own: tried again after a back-off, or parked once it has had its claims. */
async function setAside(options: FanOutLoopOptions, item: QueueItem, error: unknown): Promise<void> {
  const { queue, logger, owner, metrics } = options;
  // The error's type only: its message can quote what the database refused.
  const reason = `fan-out failed: ${error instanceof Error ? error.name : 'error'}`;
  const fields = { error: errorFields(error), lumetry: { queue: 'ingest', queue_item_id: item.id, attempts: item.attempts } };
  if (item.attempts >= maxIngestAttempts) {
    if (await queue.deadLetter(owner, item.id, `${reason} (claim ${item.attempts})`)) metrics.deadLettered('ingest', 1);
    logger.error(`ingest item dead-lettered: it failed on its own at claim ${item.attempts}`, fields);
    return;
  }
  const delayMs = Math.min(options.leaseMs, options.retryBaseMs * 2 ** (item.attempts - 1));
  if (await queue.retry(owner, item.id, Date.now() + delayMs, reason)) metrics.retried('ingest', 1);
  logger.error(`ingest item could not be fanned out: it is tried again in ${delayMs} ms`, fields);
}
