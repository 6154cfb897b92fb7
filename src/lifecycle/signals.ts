// Process-level stop handling shared by every entry point: the first SIGTERM or SIGINT drains
// gracefully, a second one exits at once, and an unref()ed watchdog ends a shutdown that hangs. A
// process started by `npm run services` also drains when its supervisor is gone: it would otherwise
// keep its port and its share of the work for a stack nobody runs any more.
import { errorFields } from '../telemetry/error-fields.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Shutdown } from './shutdown.ts';

export interface StopOptions {
  readonly shutdown: Shutdown;
  readonly logger: Logger;
  readonly timeoutMs: number;
  readonly exit: (code: number) => void;
}

// Every reason to stop asks for an exit code; the process exits with the worst of them, so a fatal
// error during a graceful stop is not hidden behind the stop's 0.
const requested = new WeakMap<StopOptions, number>();

const signalNumbers = { SIGINT: 2, SIGTERM: 15 } as const;

export function handleStopSignals(options: StopOptions): void {
  for (const signal of Object.keys(signalNumbers) as (keyof typeof signalNumbers)[]) {
    process.on(signal, () => {
      if (options.shutdown.signal.aborted) {
        options.logger.warn('second stop signal: exiting without finishing shutdown', { lumetry: { signal } });
        options.exit(128 + signalNumbers[signal]);
        return;
      }
      options.logger.info('stop signal received: shutting down', { lumetry: { signal } });
      void stopProcess(options, 0);
    });
  }
  // The supervisor's IPC channel (main/supervisor.ts) carries nothing and must not keep the process
  // alive; it closes when the supervisor goes without having stopped us first.
  if (process.channel !== undefined) {
    process.channel.unref();
    process.once('disconnect', () => {
      if (options.shutdown.signal.aborted) return;
      options.logger.warn('supervisor gone: shutting down');
      void stopProcess(options, 0);
    });
  }
  process.on('uncaughtException', (error) => fail(options, 'uncaught exception', error));
  process.on('unhandledRejection', (reason) => fail(options, 'unhandled promise rejection', reason));
}

/** Runs the shutdown under the watchdog, then exits with the worst code asked for (1 if a step failed). */
export async function stopProcess(options: StopOptions, code: number): Promise<void> {
  requested.set(options, Math.max(code, requested.get(options) ?? 0));
  const watchdog = setTimeout(() => {
    options.logger.error('shutdown timed out: exiting anyway', { lumetry: { shutdown_timeout_ms: options.timeoutMs } });
    options.exit(1);
  }, options.timeoutMs);
  watchdog.unref();
  const clean = await options.shutdown.run();
  clearTimeout(watchdog);
  const exitCode = Math.max(requested.get(options) ?? code, clean ? 0 : 1);
  options.logger.info('stopped', { process: { exit_code: exitCode } });
  options.exit(exitCode);
}

function fail(options: StopOptions, message: string, error: unknown): void {
  options.logger.error(message, { error: errorFields(error) });
  void stopProcess(options, 1);
}
