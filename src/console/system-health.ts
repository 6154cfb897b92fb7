// The System Health model: every instance of every service from the heartbeats (ready, not ready
// with its failing checks, or down when it missed three beats), and each durable queue's depth and
// oldest-item age, with a warning when the oldest item is older than the threshold.
import { queueNames, type DurableQueue, type QueueName } from '../queue/durable-queue.ts';
import { serviceNames } from '../services/names.ts';
import type { Store } from '../storage/store.ts';

export type InstanceStatus = 'ready' | 'not_ready' | 'down';
export type ServiceStatus = 'ready' | 'degraded' | 'down';

export interface SystemHealth {
  readonly generatedAt: string;
  readonly services: readonly {
    readonly name: string;
    readonly status: ServiceStatus;
    readonly instances: readonly {
      readonly instanceId: string;
      readonly host: string;
      readonly version: string;
      readonly startedAt: string;
      readonly lastSeenAgeMs: number;
      readonly status: InstanceStatus;
      readonly failingChecks: readonly string[];
    }[];
  }[];
  readonly queues: readonly { readonly name: QueueName; readonly depth: number; readonly oldestAgeMs: number; readonly inFlight: number; readonly deadLettered: number; readonly warning: boolean }[];
  readonly deadLettered: number;
  readonly queueAgeWarningMs: number;
}

/** Missed beats after which an instance counts as down. */
export const missedBeatsForDown = 3;

export async function systemHealth(store: Store, queue: DurableQueue, queueAgeWarningMs: number, now: number): Promise<SystemHealth> {
  const [heartbeats, stats] = await Promise.all([store.listHeartbeats(), Promise.all(queueNames.map((name) => queue.stats(name)))]);
  const services = serviceNames.map((name) => {
    const instances = heartbeats
      .filter((h) => h.service === name)
      .map((h) => {
        const age = Math.max(0, now - h.lastSeenAt);
        const status: InstanceStatus = age > missedBeatsForDown * h.intervalMs ? 'down' : h.ready ? 'ready' : 'not_ready';
        return { instanceId: h.instanceId, host: h.host, version: h.version, startedAt: new Date(h.startedAt).toISOString(), lastSeenAgeMs: age, status, failingChecks: h.failingChecks };
      });
    const ready = instances.filter((i) => i.status === 'ready').length;
    const status: ServiceStatus = ready === 0 ? 'down' : ready === instances.length ? 'ready' : 'degraded';
    return { name, status, instances };
  });
  const queues = queueNames.map((name, i) => ({ name, ...stats[i]!, warning: stats[i]!.oldestAgeMs > queueAgeWarningMs }));
  return {
    generatedAt: new Date(now).toISOString(),
    services,
    queues,
    deadLettered: queues.reduce((sum, q) => sum + q.deadLettered, 0),
    queueAgeWarningMs,
  };
}
