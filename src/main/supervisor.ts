// Runs the three Lumetry processes as children and stops them together. Children get their own
// process group, so a terminal's Ctrl-C reaches only the supervisor, which then sends each child
// exactly one SIGTERM (a second signal would make a child skip its graceful drain). Each child also
// gets an IPC channel that carries nothing: it closes when the supervisor goes, however it goes
// (SIGKILL, the OOM killer), and the child then stops itself (lifecycle/signals.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ServiceName } from '../services/names.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface ChildSpec {
  readonly name: ServiceName;
  readonly command: string;
  readonly args: readonly string[];
}

export interface SupervisorOptions {
  readonly children: readonly ChildSpec[];
  readonly env: Record<string, string | undefined>;
  readonly logger: Logger;
  /** Receives each complete line a child prints, with the child's name. */
  readonly line: (name: ServiceName, text: string, stream: 'stdout' | 'stderr') => void;
}

export interface Supervisor {
  /** Resolves with 0 when every child exited 0 after `stop()`, otherwise 1. */
  readonly done: Promise<number>;
  stop(): void;
  kill(): void;
}

export function supervise(options: SupervisorOptions): Supervisor {
  let stopping = false;
  let failed = false;
  const running = new Map<ServiceName, ChildProcess>();

  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const child of running.values()) child.kill('SIGTERM');
  };

  const exits = options.children.map((spec) => {
    const child = spawn(spec.command, [...spec.args], { env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
    running.set(spec.name, child);
    const streams = (['stdout', 'stderr'] as const).map((stream) => {
      const lines = createInterface({ input: child[stream]!, crlfDelay: Infinity });
      lines.on('line', (text) => options.line(spec.name, text, stream));
      return new Promise<void>((resolve) => lines.once('close', resolve));
    });
    return new Promise<void>((resolve) => {
      child.once('exit', async (code, signal) => {
        running.delete(spec.name);
        await Promise.all(streams);
        if (code !== 0 || !stopping) failed = true;
        if (!stopping) {
          options.logger.error(`${spec.name} exited unexpectedly: stopping the others`, {
            process: { name: spec.name, exit_code: code ?? undefined },
            lumetry: { signal: signal ?? undefined },
          });
          stop();
        }
        resolve();
      });
      child.once('error', (error) => {
        failed = true;
        options.logger.error(`${spec.name} could not be started`, { error: { message: error.message } });
        running.delete(spec.name);
        stop();
        resolve();
      });
    });
  });

  return {
    done: Promise.all(exits).then(() => (failed ? 1 : 0)),
    stop,
    kill: () => {
      for (const child of running.values()) child.kill('SIGKILL');
    },
  };
}
