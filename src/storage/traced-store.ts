// Traces on: every store call made inside a span (a request being handled) gets a client span of its
// own, named for the operation, with the database system: a request's calls, and the worker's batch
// calls under their batch spans (queue-tracing.ts). Calls outside any span stay untraced: polling
// and heartbeats, so an idle worker makes no traces. An error's type is
// recorded, never its message: database errors can quote the values they refused.
// https://opentelemetry.io/docs/specs/semconv/database/database-spans/
import { context, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { Store } from './store.ts';
import { StoreError } from './store-error.ts';

const untraced = new Set<PropertyKey>(['close', 'onWork', 'ping']);

export function tracedStore(store: Store, tracer: Tracer): Store {
  const system = store.dialect === 'postgres' ? 'postgresql' : 'sqlite';
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || untraced.has(property)) return value;
      const operation = String(property);
      return (...args: unknown[]) => {
        if (trace.getSpan(context.active()) === undefined) return value.apply(target, args);
        const attributes = { 'db.system.name': system, 'db.operation.name': operation };
        return tracer.startActiveSpan(operation, { kind: SpanKind.CLIENT, attributes }, async (span) => {
          try {
            return await value.apply(target, args);
          } catch (error) {
            const type = error instanceof StoreError ? `store_${error.code}` : error instanceof Error ? error.name : 'unknown';
            span.setAttribute('error.type', type);
            span.setStatus({ code: SpanStatusCode.ERROR, message: type });
            throw error;
          } finally {
            span.end();
          }
        });
      };
    },
  });
}
