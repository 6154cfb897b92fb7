// The shape of a CLI command and what it is handed.
import type { Config } from '../config/config.ts';
import type { Setting } from '../config/load.ts';
import type { OpenedStore } from '../storage/open-store.ts';
import type { Store } from '../storage/store.ts';
import type { Flags } from './args.ts';
import type { CliIo } from './io.ts';

export interface CommandContext {
  readonly io: CliIo;
  readonly config: Config;
  readonly settings: readonly Setting[];
  readonly args: readonly string[];
  readonly flags: Flags;
  /** Opens storage (and migrates it) on first use. */
  store(): Promise<Store>;
  /** The same, with what the migrations did. */
  opened(): Promise<OpenedStore>;
}

export interface Command {
  readonly words: readonly [string, ...string[]];
  readonly usage: string;
  readonly summary: string;
  run(context: CommandContext): Promise<number>;
}

/** Prints JSON with --json, otherwise the readable text. */
export function print(context: CommandContext, text: string, json: unknown): void {
  context.io.out(context.flags.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
}
