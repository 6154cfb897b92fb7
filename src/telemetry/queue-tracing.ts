// Producer and consumer spans around the durable queues. The producer span's trace context
// (traceparent and tracestate) is stored with each queue item; the worker's consumer span continues
// it, and what the worker queues next (deliveries) carries the consumer span's, so one trace runs
// from the ingest request through fan-out to every delivery attempt. With traces off, the caller's
// own trace context (if any) is stored and passed on, and no span is made. A failed operation's span
// has status ERROR and `error.type`: a class of failure, never a message.
// Work done for many items at once (the fan-out transaction, loading a batch of deliveries, writing
// their outcomes back) belongs to no one item's trace: it gets a span of its own trace, linked to
// each item's span, as the conventions describe for batches; the store calls inside it get their
// spans under it (traced-store.ts, with a client span per statement: traced-driver.ts).
// https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
import { context, type Link, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import type { QueueItem, QueueName } from '../queue/durable-queue.ts';
import { endedAfter, markFailed } from './span-failure.ts';
import { contextFromStored, storedContextOf } from './trace-context.ts';
import { withTransaction } from './transaction.ts';

export interface ItemSpan {
  /** What work started for this item should store or send as its trace context. */
  readonly traceContext: string | null;
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Ends the span; with `errorType`, as failed with that `error.type`. */
  end(errorType?: string): void;
}

/** A batch operation: its type from the conventions' list, and Lumetry's own name for it. */
export interface BatchOperation {
  readonly type: 'receive' | 'process' | 'settle';
  readonly name: string;
}

export interface QueueTracing {
  /**
   * Runs `enqueue` of `count` items inside a producer span, giving it the trace context to store with
   * them; with traces off, the caller's, which only then is `incoming` asked for.
   */
  publish<T>(queue: QueueName, incoming: () => string | null, count: number, enqueue: (traceContext: string | null) => Promise<T>): Promise<T>;
  /** A consumer span for one claimed item, child of the context stored with it. */
  process(queue: QueueName, item: QueueItem): ItemSpan;
  /** Runs `work` for a batch of items in a span linked to each item's trace context. */
  batch<T>(queue: QueueName, operation: BatchOperation, traceContexts: readonly (string | null)[], work: () => Promise<T>): Promise<T>;
}

export function queueTracing(tracer: Tracer | undefined): QueueTracing {
  if (tracer === undefined) {
    return {
      publish: (_queue, incoming, _count, enqueue) => enqueue(incoming()),
      process: (_queue, item) => ({ traceContext: item.traceContext, run: (work) => work(), end: () => {} }),
      batch: (_queue, _operation, _traceContexts, work) => work(),
    };
  }
  return {
    publish: (queue, _incoming, count, enqueue) => {
      // The conventions count only a batch: a single message's span carries no count.
      const attributes = count > 1 ? { ...messaging(queue, 'send'), 'messaging.batch.message_count': count } : messaging(queue, 'send');
      return tracer.startActiveSpan(`send ${queue}`, { kind: SpanKind.PRODUCER, attributes }, (span) => endedAfter(span, () => enqueue(storedContextOf(span))));
    },
    process: (queue, item) => {
      const parent = contextFromStored(item.traceContext);
      const attributes = { ...messaging(queue, 'process'), 'messaging.message.id': String(item.id), 'messaging.message.delivery_count': item.attempts };
      const span = tracer.startSpan(`process ${queue}`, { kind: SpanKind.CONSUMER, attributes }, parent);
      const active = withTransaction(parent, span);
      return {
        traceContext: storedContextOf(span),
        run: (work) => context.with(active, work),
        end: (errorType) => {
          if (errorType !== undefined) markFailed(span, errorType);
          span.end();
        },
      };
    },
    batch: (queue, { type, name }, traceContexts, work) => {
      const attributes = { ...messaging(queue, type, name), 'messaging.batch.message_count': traceContexts.length };
      const kind = type === 'process' ? SpanKind.CONSUMER : SpanKind.CLIENT;
      return tracer.startActiveSpan(`${name} ${queue}`, { kind, attributes, links: linksTo(traceContexts), root: true }, (span) => endedAfter(span, work));
    },
  };
}

function messaging(queue: QueueName, type: 'send' | BatchOperation['type'], name: string = type) {
  return { 'messaging.system': 'lumetry', 'messaging.operation.type': type, 'messaging.operation.name': name, 'messaging.destination.name': queue };
}

function linksTo(traceContexts: readonly (string | null)[]): Link[] {
  const links: Link[] = [];
  for (const stored of traceContexts) {
    const linked = trace.getSpanContext(contextFromStored(stored));
    if (linked) links.push({ context: linked });
  }
  return links;
}
