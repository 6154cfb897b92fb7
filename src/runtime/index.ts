// Picks the runtime adapter. The only runtime detection in the code base; the adapter modules are
// loaded lazily so that Node never parses `bun:sqlite` and Bun never loads `@hono/node-server`.
import { fstatSync } from 'node:fs';
import type { Runtime } from './types.ts';

export type { Runtime } from './types.ts';

export function runtimeName(): 'bun' | 'node' {
  return typeof (globalThis as { Bun?: unknown }).Bun === 'undefined' ? 'node' : 'bun';
}

export async function loadRuntime(): Promise<Runtime> {
  const module = runtimeName() === 'bun' ? await import('./bun.ts') : await import('./node.ts');
  return module.runtime;
}

/**
 * Whether the log writer should write descriptor `fd` as a non-blocking stream on the event loop
 * (line-writer.ts). On Node, for a pipe or a socket: its file writes run on libuv's thread pool,
 * which Node joins at exit, so one blocked on a stalled reader would hold the exit forever. Bun's
 * file writes never hold its exit, while its stream over a pipe descriptor does.
 */
export function pollsPipes(fd: number): boolean {
  if (runtimeName() === 'bun') return false;
  try {
    const stats = fstatSync(fd);
    return stats.isFIFO() || stats.isSocket();
  } catch {
    return false;
  }
}
