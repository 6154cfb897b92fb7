// Traces on: every store call made inside a span (a request being handled, one of the worker's batch
// spans from queue-tracing.ts) gets an internal span named for the operation, `store fanOut`, so one
// span stands for each logical operation, a whole transaction included; its statements' client
// spans (traced-driver.ts) are its children. It carries no database attributes: the statements do,
// and a span with them would count as one more database call. Calls outside any span stay
// untraced: polling and heartbeats, so an idle worker makes no traces. close, onWork and ping never
// get a span.
// A failure records its type (errorType), never its message: database errors can quote values.
import { context, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { endedAfter } from '../telemetry/span-failure.ts';
import type { Store } from './store.ts';

const untraced = new Set<PropertyKey>(['close', 'onWork', 'ping']);

export function tracedStore(store: Store, tracer: Tracer): Store {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || untraced.has(property)) return value;
      const name = `store ${String(property)}`;
      return (...args: unknown[]) => {
        if (trace.getSpan(context.active()) === undefined) return value.apply(target, args);
        return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL }, (span) => endedAfter(span, async () => value.apply(target, args)));
      };
    },
  });
}
