// Collects cleanup steps while a process starts and runs them once, newest first, when it stops:
// the listener registered last stops first, the storage opened first closes last.
import { errorFields } from '../telemetry/error-fields.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface Shutdown {
  /** Registers a cleanup step. */
  add(name: string, step: () => void | Promise<void>): void;
  /** Runs every step once; later calls share the first run. Resolves true when every step succeeded. */
  run(): Promise<boolean>;
  /** Aborted as soon as shutdown begins, so long-running work can stop taking new items. */
  readonly signal: AbortSignal;
}

export function createShutdown(logger: Logger): Shutdown {
  const steps: { name: string; step: () => void | Promise<void> }[] = [];
  const controller = new AbortController();
  let running: Promise<boolean> | undefined;

  async function runSteps(): Promise<boolean> {
    let clean = true;
    for (const { name, step } of steps.reverse()) {
      try {
        await step();
      } catch (error) {
        clean = false;
        logger.error('shutdown step failed', { lumetry: { shutdown_step: name }, error: errorFields(error) });
      }
    }
    return clean;
  }

  return {
    add: (name, step) => void steps.push({ name, step }),
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
