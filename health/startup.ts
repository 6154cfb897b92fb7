// Start-up progress as named steps: /startupz passes once every step is done, and readiness
// includes "startup" so a process is never ready half-started.
import type { HealthCheck } from './check.ts';

export interface StartupSteps {
  readonly checks: readonly HealthCheck[];
  /** Passes once every step is done. */
  readonly all: HealthCheck;
  done(step: string): void;
}

export function startupSteps(names: readonly string[]): StartupSteps {
  const finished = new Set<string>();
  const pending = () => names.filter((name) => !finished.has(name));
  return {
    checks: names.map((name) => ({
      name,
      run: async () => {
        if (!finished.has(name)) throw new Error(`${name} is not ready yet`);
      },
    })),
    all: {
      name: 'startup',
      run: async () => {
        if (pending().length > 0) throw new Error(`still starting: ${pending().join(', ')}`);
      },
    },
    done: (step) => void finished.add(step),
  };
}
