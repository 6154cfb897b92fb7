// The worker: two processing loops over the durable queues, sharing one store. `stop()` makes both
// loops finish the work in hand (a fan-out transaction, the attempts in flight) and return.
import { hostname } from 'node:os';
import type { Tracer } from '@opentelemetry/api';
import type { Config } from '../src/config/config.ts';
import type { DurableQueue } from '../src/queue/durable-queue.ts';
import type { Store } from '../src/storage/store.ts';
import type { Logger } from '../src/telemetry/logger.ts';
import type { PipelineMetrics } from '../src/telemetry/pipeline-metrics.ts';
import { queueTracing } from '../src/telemetry/queue-tracing.ts';
import { version } from '../src/version.ts';
import { runDeliveryLoop } from './delivery-loop.ts';
import { runFanOutLoop } from './fan-out-loop.ts';
import { idleWait } from './idle-wait.ts';

export interface WorkerDeps {
  readonly config: Config;
  readonly store: Store;
  readonly queue: DurableQueue;
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  /** Present when traces are on. */
  readonly tracer?: Tracer | undefined;
  readonly clock?: () => number;
}

export interface Worker {
  stop(): Promise<void>;
}

export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  const { config, store, queue, logger, metrics, tracer } = deps;
  const tracing = queueTracing(tracer);
  metrics.observeQueues((name) => queue.stats(name));
  const owner = `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  const controller = new AbortController();
  const deliveryIdle = idleWait(10, config.worker.idlePollMs);
  const ingestIdle = idleWait(10, config.worker.idlePollMs);
  const stopListening = await store.onWork((queueName) => (queueName === 'ingest' ? ingestIdle : deliveryIdle).wake());
  const fanOut = runFanOutLoop(
    { store, queue, logger, owner, batchSize: config.worker.batchSize, leaseMs: config.worker.leaseMs, retryBaseMs: 1_000, idle: ingestIdle, onDeliveriesQueued: () => deliveryIdle.wake(), metrics, tracing },
    controller.signal,
  );
  const deliveries = runDeliveryLoop(
    {
      store,
      queue,
      logger,
      owner,
      concurrency: config.delivery.concurrency,
      leaseMs: config.worker.leaseMs,
      idle: deliveryIdle,
      metrics,
      tracing,
      settings: {
        timeoutMs: config.delivery.timeoutMs,
        maxAttempts: config.delivery.maxAttempts,
        backoff: { baseMs: config.delivery.backoffBaseMs, maxMs: config.delivery.backoffMaxMs },
        policy: config.destinations,
        userAgent: `Lumetry/${version}`,
        clock: deps.clock ?? Date.now,
        metrics,
        tracer,
      },
    },
    controller.signal,
  );
  logger.info('worker started', { lumetry: { worker_owner: owner, delivery_concurrency: config.delivery.concurrency } });
  return {
    stop: async () => {
      controller.abort();
      await stopListening();
      await Promise.all([fanOut, deliveries]);
      logger.info('worker stopped: work in hand finished');
    },
  };
}
