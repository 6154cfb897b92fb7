// Events logged at a limited rate, per kind: the first of a kind is logged, then at most one every
// `everyMs`, and the one logged says how many of its kind were not since. The export report (per
// signal) and the SDK's diagnostics (per kind of message) keep their logs readable this way while a
// collector stays down. Timed on the monotonic clock: a wall clock stepped back must not silence them.

export interface LogRateOptions {
  readonly everyMs: number;
  readonly clock?: () => number;
  /** Kinds told apart; past this many, new kinds share the kind `other`. */
  readonly maxKinds?: number;
}

/** Whether an event of `kind` is logged now: how many of its kind were not since the last, or undefined (not logged, counted). */
export type LogRate = (kind: string) => number | undefined;

export function logRate(options: LogRateOptions): LogRate {
  const clock = options.clock ?? (() => performance.now());
  const maxKinds = options.maxKinds ?? Number.POSITIVE_INFINITY;
  const kinds = new Map<string, { last: number; unlogged: number }>();
  return (given) => {
    const kind = kinds.has(given) || kinds.size < maxKinds ? given : 'other';
    const now = clock();
    const seen = kinds.get(kind);
    if (seen && now - seen.last < options.everyMs) {
      seen.unlogged++;
      return undefined;
    }
    kinds.set(kind, { last: now, unlogged: 0 });
    return seen?.unlogged ?? 0;
  };
}
