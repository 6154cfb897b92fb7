// The ingest side of the worker: claim a batch from `ingest`, and in one transaction store one
// delivery per matching destination, queue those on `delivery`, and ack the batch. A crash before
// the commit leaves the lease to expire and the batch to be claimed again: nothing is lost.
import type { DurableQueue } from '../src/queue/durable-queue.ts';
import type { Store } from '../src/storage/store.ts';
import { errorFields } from '../src/telemetry/error-fields.ts';
import type { Logger } from '../src/telemetry/logger.ts';
import type { PipelineMetrics } from '../src/telemetry/pipeline-metrics.ts';
import type { QueueTracing } from '../src/telemetry/queue-tracing.ts';
import type { IdleWait } from './idle-wait.ts';

/** Ingest items that keep failing are parked after this many claims, so one cannot block the rest. */
export const maxIngestAttempts = 10;

export interface FanOutLoopOptions {
  readonly store: Store;
  readonly queue: DurableQueue;
  readonly logger: Logger;
  readonly owner: string;
  readonly batchSize: number;
  readonly leaseMs: number;
  readonly idle: IdleWait;
  /** Called when deliveries were queued, to wake the delivery loop at once. */
  readonly onDeliveriesQueued: () => void;
  readonly metrics: PipelineMetrics;
  readonly tracing: QueueTracing;
}

export async function runFanOutLoop(options: FanOutLoopOptions, signal: AbortSignal): Promise<void> {
  const { store, queue, logger, owner, metrics } = options;
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
      const poisoned = claimed.filter((item) => item.attempts > maxIngestAttempts);
      for (const item of poisoned) {
        await queue.deadLetter(owner, item.id, `failed ${maxIngestAttempts} times`);
        logger.error('ingest item dead-lettered after repeated failures', { lumetry: { queue_item_id: item.id } });
      }
      metrics.deadLettered('ingest', poisoned.length);
      const processing = claimed.filter((item) => item.attempts <= maxIngestAttempts);
      // Each item's consumer span becomes the parent of the deliveries queued for it.
      const spans = processing.map((item) => options.tracing.process('ingest', item));
      const traced = processing.map((item, i) => ({ ...item, traceContext: spans[i]!.traceContext }));
      const fanOut = { type: 'process', name: 'fan_out' } as const;
      const result = await options.tracing.batch('ingest', fanOut, traced.map((item) => item.traceContext), () => store.fanOut(owner, traced)).then(
        (done) => {
          for (const span of spans) span.end();
          return done;
        },
        (error: unknown) => {
          for (const span of spans) span.end(true);
          throw error;
        },
      );
      const now = Date.now();
      for (const item of processing) metrics.ingestionLatency((now - item.receivedAt) / 1000);
      metrics.acked('ingest', processing.length);
      metrics.enqueued('delivery', result.deliveries);
      metrics.cycle('ingest', (performance.now() - started) / 1000, 'ok');
      if (result.deliveries > 0) options.onDeliveriesQueued();
    } catch (error) {
      metrics.cycle('ingest', (performance.now() - started) / 1000, 'error');
      logger.error('processing cycle failed: its items return when their lease expires', { error: errorFields(error), lumetry: { queue: 'ingest' } });
      await options.idle.wait(signal);
    }
  }
}
