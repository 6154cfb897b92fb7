// The delivery side of the worker: keeps up to `concurrency` attempts in flight, claiming only as
// many items as there is room for, and writes finished attempts back in batches (one transaction
// per batch). On stop it claims nothing more, lets the attempts in flight finish, and writes them.
// Results an unavailable database cannot take wait in memory and are written again. A batch refused
// for another reason is written one result at a time: a result that fails alone is let go (logged),
// and its item is attempted again when its lease expires, rather than holding back every result
// after it for ever.
import type { DurableQueue } from '../src/queue/durable-queue.ts';
import { errorType, isRetryable } from '../src/storage/store-error.ts';
import { type DeliveryJobs, type DeliveryOutcome, type Store, unreadablePayload } from '../src/storage/store.ts';
import { errorFields } from '../src/telemetry/error-fields.ts';
import type { Logger } from '../src/telemetry/logger.ts';
import type { PipelineMetrics } from '../src/telemetry/pipeline-metrics.ts';
import type { QueueTracing } from '../src/telemetry/queue-tracing.ts';
import { type DeliverySettings, deliver } from './deliver.ts';
import type { IdleWait } from './idle-wait.ts';

const flushEveryMs = 20;
const flushAtCount = 200;
const nothingClaimed: DeliveryJobs = { jobs: [], parked: [] };
const receive = { type: 'receive', name: 'receive' } as const;
const settle = { type: 'settle', name: 'settle' } as const;

export interface DeliveryLoopOptions {
  readonly store: Store;
  readonly queue: DurableQueue;
  readonly logger: Logger;
  readonly owner: string;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly settings: DeliverySettings;
  readonly idle: IdleWait;
  readonly metrics: PipelineMetrics;
  readonly tracing: QueueTracing;
}

export async function runDeliveryLoop(options: DeliveryLoopOptions, signal: AbortSignal): Promise<void> {
  const { store, queue, logger, owner, concurrency, metrics } = options;
  // A lease outlives the attempt and the write-back, so a healthy worker never loses its items.
  const leaseMs = options.settings.timeoutMs + options.leaseMs;
  const inFlight = new Set<Promise<void>>();
  let pending: DeliveryOutcome[] = [];
  let lastFlush = performance.now();

  const record = async (batch: readonly DeliveryOutcome[]) => {
    await options.tracing.batch('delivery', settle, batch.map((outcome) => outcome.job.item.traceContext), () => store.recordDeliveryOutcomes(owner, batch));
    count(batch);
  };

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    try {
      await record(batch);
    } catch (error) {
      if (isRetryable(error)) {
        pending = batch.concat(pending);
        logger.error('could not record delivery results: retrying', { error: errorFields(error), lumetry: { queue: 'delivery', results: pending.length } });
        await options.idle.wait(signal);
      } else {
        if (batch.length > 1) logger.warn('recording a batch of delivery results failed: they are recorded one at a time', { error: errorFields(error), lumetry: { queue: 'delivery', results: batch.length } });
        await recordEach(batch);
      }
    }
    lastFlush = performance.now();
  };

  const recordEach = async (batch: readonly DeliveryOutcome[]) => {
    for (const outcome of batch) {
      try {
        await record([outcome]);
      } catch (error) {
        if (isRetryable(error)) pending.push(outcome);
        else logger.error('a delivery result could not be recorded: the delivery is attempted again when its lease expires', { error: errorFields(error), lumetry: { queue: 'delivery', queue_item_id: outcome.job.item.id } });
      }
    }
  };

  const count = (batch: readonly DeliveryOutcome[]) => {
    const of = (kind: DeliveryOutcome['kind']) => batch.filter((o) => o.kind === kind);
    for (const outcome of batch) metrics.deliveryAttempt(outcome.kind);
    for (const outcome of of('delivered')) metrics.deliveryLatency((outcome.at - outcome.job.item.receivedAt) / 1000);
    metrics.acked('delivery', of('delivered').length);
    metrics.retried('delivery', of('retry').length);
    metrics.deadLettered('delivery', of('dead').length);
  };

  while (!signal.aborted) {
    const started = performance.now();
    try {
      const room = concurrency - inFlight.size;
      let claimed = 0;
      if (room > 0) {
        const items = await queue.claim('delivery', { limit: room, leaseMs, owner });
        claimed = items.length;
        metrics.claimed('delivery', claimed);
        const { jobs, parked } = items.length === 0 ? nothingClaimed : await options.tracing.batch('delivery', receive, items.map((item) => item.traceContext), () => store.loadDeliveryJobs(owner, items));
        for (const item of parked) logger.error(`delivery item dead-lettered: ${unreadablePayload}`, { lumetry: { queue: 'delivery', queue_item_id: item.id, attempts: item.attempts } });
        metrics.deadLettered('delivery', parked.length);
        for (const job of jobs) {
          const span = options.tracing.process('delivery', job.item);
          const traced = { ...job, item: { ...job.item, traceContext: span.traceContext } };
          const attempt = span
            .run(() => deliver(traced, options.settings))
            .then(
              (outcome) => {
                span.end(outcome.kind === 'delivered' ? undefined : outcome.errorType);
                pending.push(outcome);
              },
              // An attempt that failed unexpectedly records nothing: its item returns when the lease expires.
              (error: unknown) => {
                span.end(errorType(error));
                logger.error('delivery attempt failed unexpectedly: it will be retried when its lease expires', { error: errorFields(error), lumetry: { queue: 'delivery' } });
              },
            );
          inFlight.add(attempt);
          void attempt.finally(() => inFlight.delete(attempt));
        }
      }
      const due = pending.length >= flushAtCount || inFlight.size === 0 || performance.now() - lastFlush >= flushEveryMs;
      if (pending.length > 0 && due) await flush();
      if (claimed > 0) {
        options.idle.reset();
        metrics.cycle('delivery', (performance.now() - started) / 1000, 'ok');
      }
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      else if (claimed === 0) await Promise.race([options.idle.wait(signal), ...(inFlight.size > 0 ? [Promise.race(inFlight)] : [])]);
    } catch (error) {
      metrics.cycle('delivery', (performance.now() - started) / 1000, 'error');
      logger.error('delivery cycle failed: its items return when their lease expires', { error: errorFields(error), lumetry: { queue: 'delivery' } });
      await options.idle.wait(signal);
    }
  }
  await Promise.all(inFlight);
  while (pending.length > 0) {
    const before = pending.length;
    await flush();
    if (pending.length >= before) break;
  }
}
