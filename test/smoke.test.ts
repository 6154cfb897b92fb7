// End to end on the runtime running the tests (Bun: TypeScript entry points; Node: the compiled
// ones): each process starts on each store, answers /livez, and exits 0 on SIGTERM leaving nothing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { serviceNames } from '../src/services/names.ts';
import { assertNoneRunning, cleanEnv, isAlive, run, type Started, start } from './helpers/processes.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { tempDir } from './helpers/temp-dir.ts';

const freePorts = { LUMETRY_INGEST_API_PORT: '0', LUMETRY_CONSOLE_PORT: '0', LUMETRY_WORKER_PORT: '0' };

export async function listeningPort(process: Started): Promise<number> {
  const entry = await process.waitForLog((e) => e.message === 'listening');
  return (entry.server as { port: number }).port;
}

for (const target of sqlTargets) {
  describe(`the three processes on ${target.name}`, { skip: target.skip }, () => {
    after(assertNoneRunning);

    test('start, answer /livez, and exit 0 on SIGTERM', { timeout: 60_000 }, async () => {
      const database = await target.create();
      try {
        const env = cleanEnv({ ...freePorts, ...(await target.settings(database)) });
        const processes = serviceNames.map((name) => start(`src/main/${name}`, [], env));
        const ports = await Promise.all(processes.map(listeningPort));
        for (const port of ports) {
          const response = await fetch(`http://127.0.0.1:${port}/livez`);
          assert.equal(response.status, 200);
          assert.equal(await response.text(), 'ok');
          assert.equal(response.headers.get('cache-control'), 'no-store');
        }
        for (const process of processes) process.child.kill('SIGTERM');
        for (const process of processes) {
          assert.deepEqual(await process.exited, { code: 0, signal: null }, process.stderr.join('\n'));
          assert.ok(!isAlive(process.child.pid!));
          assert.ok(process.stdout.some((line) => line.includes('"message":"stopped"')));
        }
      } finally {
        await database.destroy();
      }
    });
  });
}

describe('a process with an invalid configuration', () => {
  const dir = tempDir('bad-config');
  after(() => dir.remove());

  for (const name of serviceNames) {
    test(`${name} exits 78, lists every bad variable, and creates nothing`, { timeout: 30_000 }, async () => {
      const dataDir = join(dir.path, name);
      const result = await run(`src/main/${name}`, [], cleanEnv({
        LUMETRY_DATA_DIR: dataDir,
        LUMETRY_WORKER_PORT: 'eighty',
        LUMETRY_LOG_FORMAT: 'yaml',
        LUMETRY_DATABASE_URL: 'mysql://root:hunter2-secret@db/x',
      }));
      assert.equal(result.code, 78);
      assert.match(result.stderr, /invalid configuration \(3 problems\)/);
      assert.match(result.stderr, /LUMETRY_WORKER_PORT: must be a whole number from 0 to 65535 \(got "eighty"\)/);
      assert.match(result.stderr, /LUMETRY_LOG_FORMAT: must be one of json, text/);
      assert.match(result.stderr, /LUMETRY_DATABASE_URL: must be a postgres/);
      assert.doesNotMatch(result.stderr + result.stdout, /hunter2/);
      assert.equal(existsSync(dataDir), false);
    });
  }
});
