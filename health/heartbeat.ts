// Every few seconds, an instance records that it is alive and whether it is ready (with the names
// of failing checks), so the System Health page can show every instance of every service. A clean
// stop removes the row; an instance that dies simply stops beating: it is shown as down, and after
// ten missed beats the surviving instances forget it, so one crash does not mark a service degraded for ever.
import type { Heartbeat, Store } from '../src/storage/store.ts';
import { errorFields } from '../src/telemetry/error-fields.ts';
import type { Logger } from '../src/telemetry/logger.ts';
import type { Health } from './health.ts';

export type Instance = Pick<Heartbeat, 'instanceId' | 'service' | 'host' | 'version' | 'startedAt'>;

/** An instance gone this many of its heartbeat intervals is forgotten: shown as down until then. */
export const forgetAfterMissedBeats = 10;

export interface HeartbeatOptions {
  readonly store: Store;
  readonly health: Health;
  readonly instance: Instance;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly clock?: () => number;
}

export function startHeartbeat(options: HeartbeatOptions): { stop(): Promise<void> } {
  const clock = options.clock ?? Date.now;
  let failing = false;
  let current: Promise<void> = Promise.resolve();
  const beat = async () => {
    try {
      const readiness = await options.health.report('readyz');
      await options.store.recordHeartbeat({
        ...options.instance,
        lastSeenAt: clock(),
        intervalMs: options.intervalMs,
        ready: readiness.ok,
        failingChecks: readiness.failures.map((f) => f.name),
      });
      await options.store.pruneHeartbeats(clock(), forgetAfterMissedBeats);
      if (failing) options.logger.info('heartbeat recorded again');
      failing = false;
    } catch (error) {
      if (!failing) options.logger.warn('heartbeat could not be recorded', { error: errorFields(error) });
      failing = true;
    }
  };
  current = beat();
  const timer = setInterval(() => {
    current = current.then(beat);
  }, options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await current;
      await options.store.removeHeartbeat(options.instance.instanceId);
    },
  };
}
