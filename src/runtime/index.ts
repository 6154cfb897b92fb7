// Picks the runtime adapter. The only runtime detection in the code base; the adapter modules are
// loaded lazily so that Node never parses `bun:sqlite` and Bun never loads `@hono/node-server`.
import type { Runtime } from './types.ts';

export type { Runtime } from './types.ts';

export function runtimeName(): 'bun' | 'node' {
  return typeof (globalThis as { Bun?: unknown }).Bun === 'undefined' ? 'node' : 'bun';
}

export async function loadRuntime(): Promise<Runtime> {
  const module = runtimeName() === 'bun' ? await import('./bun.ts') : await import('./node.ts');
  return module.runtime;
}
