// Collects cleanup steps while a process starts and runs them once when it stops, phase by phase:
// first the drain delay (readiness already fails, traffic moves away), then listeners stop taking
// connections, then work in hand finishes, then the instance stops announcing itself, and storage
// closes last. Within a phase the step added last runs first.
import { errorFields } from '../telemetry/error-fields.ts';
import type { Logger } from '../telemetry/logger.ts';

export const phases = ['drain', 'listeners', 'work', 'announce', 'storage'] as const;
export type Phase = (typeof phases)[number];

export interface Shutdown {
  /** Registers a cleanup step (phase `work` unless said otherwise). */
  add(name: string, step: () => void | Promise<void>, phase?: Phase): void;
  /** Runs every step once; later calls share the first run. Resolves true when every step succeeded. */
  run(): Promise<boolean>;
  /** Aborted as soon as shutdown begins: readiness fails and long-running work stops taking items. */
  readonly signal: AbortSignal;
}

export function createShutdown(logger: Logger): Shutdown {
  const steps: { name: string; step: () => void | Promise<void>; phase: Phase }[] = [];
  const controller = new AbortController();
  let running: Promise<boolean> | undefined;

  async function runSteps(): Promise<boolean> {
    let clean = true;
    for (const phase of phases) {
      for (const { name, step } of steps.filter((s) => s.phase === phase).reverse()) {
        try {
          await step();
        } catch (error) {
          clean = false;
          logger.error('shutdown step failed', { lumetry: { shutdown_step: name }, error: errorFields(error) });
        }
      }
    }
    return clean;
  }

  return {
    add: (name, step, phase = 'work') => void steps.push({ name, step, phase }),
    run: () => {
      if (!running) {
        controller.abort();
        running = runSteps();
      }
      return running;
    },
    signal: controller.signal,
  };
}
