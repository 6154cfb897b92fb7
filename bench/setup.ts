// What the bench scripts share: the project root, the pinned runtimes, and whole-number flags
// checked like the CLI's (a bad value stops the script with an error naming the flag and the reason).
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
