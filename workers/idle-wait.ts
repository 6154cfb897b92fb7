// How a processing loop waits when its queue is empty: a short wait that doubles while the queue
// stays empty, up to the configured ceiling, cut short by `wake()` (work arrived) or by shutdown.
export interface IdleWait {
  /** Waits; resolves early on wake() or abort. */
  wait(signal: AbortSignal): Promise<void>;
  /** Work was found: the next wait starts short again. */
  reset(): void;
  wake(): void;
}

export function idleWait(minMs: number, maxMs: number): IdleWait {
  let delay = minMs;
  let wakeUp: (() => void) | undefined;
  return {
    wait: (signal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          if (wakeUp === done) wakeUp = undefined;
          resolve();
        };
        const timer = setTimeout(done, delay);
        delay = Math.min(maxMs, delay * 2);
        signal.addEventListener('abort', done, { once: true });
        wakeUp = done;
      }),
    reset: () => {
      delay = minMs;
    },
    wake: () => {
      delay = minMs;
      wakeUp?.();
    },
  };
}
