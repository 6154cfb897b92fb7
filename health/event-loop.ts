// Liveness from the process alone: a timer that should fire every `intervalMs` measures how late it
// fires. If the event loop was stalled longer than the threshold within the recent window, the
// process is wedged (a runaway loop, a blocked syscall) and a restart is the cure. No dependency is
// ever consulted, so a database outage cannot make an orchestrator restart a healthy process.
import type { HealthCheck } from './check.ts';

export interface EventLoopMonitor {
  readonly check: HealthCheck;
  stop(): void;
}

export function monitorEventLoop(options: { maxDelayMs: number; intervalMs?: number; windowMs?: number; clock?: () => number; onDelay?: (delayMs: number) => void }): EventLoopMonitor {
  const intervalMs = options.intervalMs ?? 500;
  const windowMs = options.windowMs ?? 10_000;
  const clock = options.clock ?? (() => performance.now());
  const delays: { at: number; delay: number }[] = [];
  let expected = clock() + intervalMs;
  const timer = setInterval(() => {
    const now = clock();
    const delay = Math.max(0, now - expected);
    delays.push({ at: now, delay });
    options.onDelay?.(delay);
    while (delays.length > 0 && delays[0]!.at < now - windowMs) delays.shift();
    expected = now + intervalMs;
  }, intervalMs);
  timer.unref();
  return {
    check: {
      name: 'event-loop',
      run: async () => {
        const worst = Math.max(0, ...delays.map((d) => d.delay), clock() - expected);
        if (worst > options.maxDelayMs) throw new Error(`the event loop was blocked for ${Math.round(worst)} ms (threshold ${options.maxDelayMs} ms)`);
      },
    },
    stop: () => clearInterval(timer),
  };
}
