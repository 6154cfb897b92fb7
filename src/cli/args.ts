// Flag parsing for the CLI: node:util parseArgs splits the words, valibot checks the values, and
// every problem becomes a UsageError that names the flag and says what it wants.
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { UsageError } from './io.ts';

export const cliOptions = {
  scope: { type: 'string' },
  url: { type: 'string' },
  name: { type: 'string' },
  'event-type': { type: 'string', multiple: true },
  disabled: { type: 'boolean' },
  admin: { type: 'boolean' },
  port: { type: 'string' },
  'secret-file': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type Flags = ReturnType<typeof parseArgs<{ options: typeof cliOptions; allowPositionals: true }>>['values'];

export function parse(argv: readonly string[]): { words: string[]; flags: Flags } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: cliOptions, allowPositionals: true, strict: true });
    return { words: positionals, flags: values };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Validates one value; `label` is what the user typed it as (`--url`, `TENANT`). */
export function check<S extends v.GenericSchema>(schema: S, value: unknown, label: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new UsageError(`${label} ${result.issues[0].message}`);
  return result.output;
}

export function allowOnly(flags: Flags, allowed: readonly (keyof Flags)[]): void {
  for (const key of Object.keys(flags) as (keyof Flags)[]) {
    if (flags[key] !== undefined && key !== 'json' && !allowed.includes(key)) {
      throw new UsageError(`--${key} does not apply to this command`);
    }
  }
}
