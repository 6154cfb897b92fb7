// What the bench scripts share: the project root, the pinned runtimes, and whole-number and signal
// flags checked like the CLI's (a bad value stops the script with an error naming the flag and the reason).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { check } from '../src/cli/args.ts';

export const root = fileURLToPath(new URL('../', import.meta.url));
export const runtimes = { bun: join(root, 'node_modules/.bin/bun'), node: join(root, 'node_modules/.bin/node') };

/** `value` of flag `label` as a whole number of at least `min`. */
export function wholeFlag(value: unknown, label: string, min: number): number {
  return check(v.pipe(v.string(), v.digits('must be a whole number'), v.transform(Number), v.minValue(min, `must be at least ${min}`)), value, label);
}

export const signals = ['traces', 'metrics', 'logs'] as const;
export type Signal = (typeof signals)[number];

/** `value` of flag `label` as a comma-separated list of OTLP signals, each at most once. */
export function signalsFlag(value: unknown, label: string): Signal[] {
  const list = v.pipe(
    v.string(),
    v.transform((text) => text.split(',')),
    v.array(v.picklist(signals, `each must be one of ${signals.join(', ')}`)),
    v.minLength(1, 'must name a signal'),
    v.check((items) => new Set(items).size === items.length, 'must not name a signal twice'),
  );
  return check(list, value, label);
}
