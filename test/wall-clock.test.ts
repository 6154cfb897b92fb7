// Intervals inside a process are measured on the monotonic clock: a wall clock stepped back or
// forward (NTP, a VM restored from a snapshot) must neither freeze a readiness result, nor fail
// liveness on an event-loop stall that never happened, nor stretch a login lock-out or the quiet
// between two logged export failures. The step is made by replacing Date.now in this process, as a
// stepped system clock would change it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { guarded } from '../health/check.ts';
import { monitorEventLoop } from '../health/event-loop.ts';
import { loginLimiter } from '../src/console/login-limiter.ts';
import { exportReport } from '../src/telemetry/otlp/export-report.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';

const realNow = Date.now;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How far the wall clock is stepped from the real one. */
let step = 0;
before(() => {
  Date.now = () => realNow() + step;
});
after(() => {
  Date.now = realNow;
});

async function withWallClockStepped<T>(stepMs: number, work: () => Promise<T>): Promise<T> {
  step = stepMs;
  try {
    return await work();
  } finally {
    step = 0;
  }
}

test('a readiness result is reused for its cache time only, though the wall clock steps back an hour', async () => {
  let runs = 0;
  let healthy = true;
  const storage = async () => {
    runs++;
    if (!healthy) throw new Error('the database is down');
  };
  const check = guarded({ name: 'storage', run: storage }, { timeoutMs: 1_000, cacheMs: 50 });
  await check.run();
  await withWallClockStepped(-3_600_000, async () => {
    healthy = false;
    await sleep(120);
    await assert.rejects(check.run(), 'the failure is seen once the cached result is 50 ms old');
  });
  assert.equal(runs, 2);
});

test('a wall clock stepped forward a minute and back is no event-loop stall', async () => {
  const monitor = monitorEventLoop({ maxDelayMs: 1_000, intervalMs: 20 });
  try {
    await withWallClockStepped(60_000, () => sleep(150));
    await sleep(100);
    await monitor.check.run();
  } finally {
    monitor.stop();
  }
});

test('a login lock-out ends after its window, though the wall clock steps back an hour', async () => {
  const limiter = loginLimiter(2, 100);
  limiter.recordFailure('192.0.2.1');
  limiter.recordFailure('192.0.2.1');
  assert.ok(limiter.retryAfterMs('192.0.2.1') > 0);
  await withWallClockStepped(-3_600_000, async () => {
    await sleep(150);
    assert.equal(limiter.retryAfterMs('192.0.2.1'), 0);
  });
});

test('export failures are logged again after their interval, though the wall clock steps back an hour', async () => {
  const { logger, lines } = memoryLogger();
  const report = exportReport({ logger, secrets: [], logEveryMs: 100 });
  report.failed('traces', new Error('collector down'), 1);
  await withWallClockStepped(-3_600_000, async () => {
    await sleep(150);
    report.failed('traces', new Error('collector still down'), 1);
  });
  assert.equal(lines.length, 2);
});
