// The transaction a log line belongs to, in ECS terms: the span where a unit of work entered the
// process (a request's server span, a queue item's consumer span). A line written inside a child
// span (a storage call, a delivery attempt) carries the child as `span.id` and the entry span as
// `transaction.id`, which is what Elastic's APM views link logs by.
// https://www.elastic.co/guide/en/ecs/current/ecs-tracing.html
import { type Context, createContextKey, type Span, type SpanContext, trace } from '@opentelemetry/api';

const transactionKey = createContextKey('lumetry.transaction');

/** `parent` with `span` active and marked as the transaction of everything run in it. */
export function withTransaction(parent: Context, span: Span): Context {
  return trace.setSpan(parent, span).setValue(transactionKey, span.spanContext());
}

/** The transaction `context` runs in, if one was marked. */
export function transactionOf(context: Context): SpanContext | undefined {
  return context.getValue(transactionKey) as SpanContext | undefined;
}
