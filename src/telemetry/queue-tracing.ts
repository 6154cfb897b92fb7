// Producer and consumer spans around the durable queues. The producer span's traceparent is stored
// with each queue item; the worker's consumer span continues it, and what the worker queues next
// (deliveries) carries the consumer span's, so one trace runs from the ingest request through
// fan-out to every delivery attempt. With traces off, the caller's own traceparent (if any) is
// stored and passed on unchanged, and no span is made.
// https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
import { context, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { QueueItem, QueueName } from '../queue/durable-queue.ts';
import { contextFromTraceparent, traceparentOf } from './trace-context.ts';
import { withTransaction } from './transaction.ts';

export interface ItemSpan {
  /** What work started for this item should store or send as its `traceparent`. */
  readonly traceContext: string | null;
  run<T>(work: () => Promise<T>): Promise<T>;
  end(failed?: boolean): void;
}

export interface QueueTracing {
  /** Runs `enqueue` inside a producer span, giving it the `traceparent` to store with the items. */
  publish<T>(queue: QueueName, incoming: string | null, enqueue: (traceContext: string | null) => Promise<T>): Promise<T>;
  /** A consumer span for one claimed item, child of the context stored with it. */
  process(queue: QueueName, item: QueueItem): ItemSpan;
}

export function queueTracing(tracer: Tracer | undefined): QueueTracing {
  if (tracer === undefined) {
    return {
      publish: (_queue, incoming, enqueue) => enqueue(incoming),
      process: (_queue, item) => ({ traceContext: item.traceContext, run: (work) => work(), end: () => {} }),
    };
  }
  return {
    publish: (queue, _incoming, enqueue) =>
      tracer.startActiveSpan(`send ${queue}`, { kind: SpanKind.PRODUCER, attributes: messaging(queue, 'send') }, async (span) => {
        try {
          return await enqueue(traceparentOf(span));
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      }),
    process: (queue, item) => {
      const parent = contextFromTraceparent(item.traceContext);
      const attributes = { ...messaging(queue, 'process'), 'messaging.message.id': String(item.id), 'messaging.message.delivery_count': item.attempts };
      const span = tracer.startSpan(`process ${queue}`, { kind: SpanKind.CONSUMER, attributes }, parent);
      const active = withTransaction(parent, span);
      return {
        traceContext: traceparentOf(span),
        run: (work) => context.with(active, work),
        end: (failed = false) => {
          if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
  };
}

function messaging(queue: QueueName, operation: 'send' | 'process') {
  return { 'messaging.system': 'lumetry', 'messaging.operation.type': operation, 'messaging.operation.name': operation, 'messaging.destination.name': queue };
}
