// Shutdown: steps run newest first, a failing step does not stop the others, a second signal exits
// at once, and the watchdog ends a shutdown that hangs. The signal cases run a real process.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { createShutdown } from '../src/lifecycle/shutdown.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { assertNoneRunning, cleanEnv, spawnFile } from './helpers/processes.ts';

const lines: string[] = [];
const logger = createLogger({ service: 'test', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', write: (l) => void lines.push(l) });

describe('cleanup steps', () => {
  test('run newest first, once, and a failure is logged while the rest still run', async () => {
    const order: string[] = [];
    const shutdown = createShutdown(logger);
    shutdown.add('storage', () => void order.push('storage'));
    shutdown.add('broken', () => {
      throw new Error('boom');
    });
    shutdown.add('server', async () => void order.push('server'));
    assert.equal(shutdown.signal.aborted, false);
    const [first, second] = await Promise.all([shutdown.run(), shutdown.run()]);
    assert.deepEqual(order, ['server', 'storage']);
    assert.equal(first, false);
    assert.equal(second, false);
    assert.equal(shutdown.signal.aborted, true);
    const logged = JSON.parse(lines.at(-1)!);
    assert.equal(logged.message, 'shutdown step failed');
    assert.deepEqual([logged.lumetry.shutdown_step, logged.error.message], ['broken', 'boom']);
  });
});

describe('stop signals on a process whose cleanup hangs', () => {
  after(assertNoneRunning);
  const fixture = fileURLToPath(new URL('./fixtures/hung-shutdown.ts', import.meta.url));
  const isReady = (entry: Record<string, unknown>) => entry.message === 'ready';

  test('a second SIGTERM exits at once with 128+15', { timeout: 30_000 }, async () => {
    const process = spawnFile(fixture, ['60000'], cleanEnv({}));
    await process.waitForLog(isReady);
    process.child.kill('SIGTERM');
    await process.waitForLog((entry) => entry.message === 'stop signal received: shutting down');
    process.child.kill('SIGTERM');
    assert.deepEqual(await process.exited, { code: 143, signal: null });
  });

  test('a fatal error during a graceful stop makes the exit code 1, not 0', { timeout: 30_000 }, async () => {
    const failing = spawnFile(fileURLToPath(new URL('./fixtures/fatal-during-shutdown.ts', import.meta.url)), [], cleanEnv({}));
    await failing.waitForLog(isReady);
    failing.child.kill('SIGTERM');
    assert.deepEqual(await failing.exited, { code: 1, signal: null });
    assert.ok(failing.stdout.some((line) => line.includes('"message":"unhandled promise rejection"')));
  });

  test('a rejection with an object without a prototype is logged as itself', { timeout: 30_000 }, async () => {
    const failing = spawnFile(fileURLToPath(new URL('./fixtures/fatal-during-shutdown.ts', import.meta.url)), ['null-prototype'], cleanEnv({}));
    await failing.waitForLog(isReady);
    failing.child.kill('SIGTERM');
    assert.deepEqual(await failing.exited, { code: 1, signal: null });
    const fatal = failing.stdout.map((line) => JSON.parse(line) as { message: string; error?: unknown }).filter((entry) => entry.error !== undefined);
    assert.deepEqual(fatal, [{ ...fatal[0], message: 'unhandled promise rejection', error: { type: 'object', message: "[Object: null prototype] { reason: 'boom during shutdown' }" } }]);
  });

  test('the watchdog ends a hung shutdown with exit code 1 and says why', { timeout: 30_000 }, async () => {
    const process = spawnFile(fixture, ['500'], cleanEnv({}));
    await process.waitForLog(isReady);
    process.child.kill('SIGINT');
    assert.deepEqual(await process.exited, { code: 1, signal: null });
    assert.ok(process.stdout.some((line) => line.includes('"message":"shutdown timed out: exiting anyway"')));
  });
});
