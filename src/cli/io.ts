// What a CLI command may touch: the environment it was started with and its two output streams.
// Commands return an exit code; only the entry point exits.
export interface CliIo {
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
}

/** sysexits.h codes that scripts can tell apart. */
export const exitCodes = { ok: 0, failure: 1, usage: 64, config: 78 } as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
