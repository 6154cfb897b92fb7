// A health check is a name and a function that throws when something is wrong. Checks that touch a
// dependency are wrapped so a probe can neither hang (timeout) nor hammer the dependency (a result
// is reused for a short while, and concurrent probes share one run).
import { withTimeout } from '../src/timeout.ts';

export interface HealthCheck {
  readonly name: string;
  run(): Promise<void>;
}

export interface GuardOptions {
  readonly timeoutMs: number;
  readonly cacheMs: number;
  readonly clock?: () => number;
}

export class CheckTimeout extends Error {
  override readonly name = 'CheckTimeout';
}

export function guarded(check: HealthCheck, options: GuardOptions): HealthCheck {
  const clock = options.clock ?? (() => performance.now());
  let last: { at: number; result: Promise<void> } | undefined;
  return {
    name: check.name,
    run: () => {
      if (last && clock() - last.at < options.cacheMs) return last.result;
      const result = withTimeout(check.run(), options.timeoutMs, () => new CheckTimeout(`${check.name} did not answer within ${options.timeoutMs} ms`));
      last = { at: clock(), result };
      result.catch(() => undefined);
      return result;
    },
  };
}
