// Runs the three Lumetry processes as children and stops them together. Children get their own
// process group, so a terminal's Ctrl-C reaches only the supervisor, which then sends each child
// exactly one SIGTERM (a second signal would make a child skip its graceful drain). Each child also
// gets an IPC channel that carries nothing: it closes when the supervisor goes, however it goes
// (SIGKILL, the OOM killer), and the child then stops itself (lifecycle/signals.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
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
    const streams = (['stdout', 'stderr'] as const).map((stream) => eachLine(child[stream]!, (text) => options.line(spec.name, text, stream)));
    return new Promise<void>((resolve) => {
      child.once('exit', async (code, signal) => {
        running.delete(spec.name);
        await Promise.all(streams);
        if (code !== 0 || !stopping) failed = true;
        if (!stopping) {
          // Not process.*: on this event that is the supervisor, whose pid every line carries.
          options.logger.error(`${spec.name} exited unexpectedly: stopping the others`, {
            lumetry: { child_service: spec.name, child_pid: child.pid, child_exit_code: code ?? undefined, signal: signal ?? undefined },
          });
          stop();
        }
        resolve();
      });
      child.once('error', (error) => {
        failed = true;
        options.logger.error(`${spec.name} could not be started`, { error: { message: error.message }, lumetry: { child_service: spec.name } });
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

/**
 * Calls `line` with each line of `input`, split at `\n` only, until it ends. Not node:readline,
 * which also ends a line at U+2028 and U+2029: characters a JSON string may hold as they are.
 */
function eachLine(input: Readable, line: (text: string) => void): Promise<void> {
  input.setEncoding('utf8');
  let partial = '';
  input.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const part of parts) line(part.endsWith('\r') ? part.slice(0, -1) : part);
  });
  return new Promise((resolve) => {
    input.once('close', () => {
      if (partial !== '') line(partial);
      resolve();
    });
  });
}
