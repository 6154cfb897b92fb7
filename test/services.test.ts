// `npm run services`: the embedded quick start runs the three processes, creates the demo tenant
// once with its keys in a 0600 file (never on stdout), and stops everything together, even when the
// supervisor itself is killed. Storage it cannot prepare stops it before any process starts.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { supervise } from '../src/main/supervisor.ts';
import { serviceNames } from '../src/services/names.ts';
import { sqliteFileName } from '../src/storage/open-store.ts';
import { assertNoneRunning, cleanEnv, entryPoint, isAlive, type Started, start } from './helpers/processes.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('services');
const env = cleanEnv({ LUMETRY_DATA_DIR: dir.path, LUMETRY_INGEST_API_PORT: '0', LUMETRY_CONSOLE_PORT: '0', LUMETRY_WORKER_PORT: '0' });

/** Waits until every service logged `listening`; resolves their pids by service name. */
async function allListening(services: Started): Promise<Map<string, number>> {
  const pids = new Map<string, number>();
  for (const name of serviceNames) {
    const entry = await services.waitForLog((e) => e.message === 'listening' && e['service.name'] === name);
    pids.set(name, entry['process.pid'] as number);
  }
  return pids;
}

describe('services', () => {
  after(() => {
    assertNoneRunning();
    dir.remove();
  });

  test('first run: three processes, demo keys in a private file, all stopped by one SIGTERM', { timeout: 60_000 }, async () => {
    const services = start('src/main/services', [], env);
    const pids = await allListening(services);
    assert.equal(pids.size, 3);

    const file = join(dir.path, 'demo-credentials.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as { ingestKey: string; consoleKey: string };
    assert.match(credentials.ingestKey, /^lum_ingest_/);
    assert.match(credentials.consoleKey, /^lum_console_/);
    const announced = await services.waitForLog((e) => String(e.message).startsWith('demo tenant created'));
    assert.deepEqual(announced.file, { path: file });

    // U+2028 and U+2029 in a path: JSON may hold them raw, but a line reader ends a line at them.
    const ingest = await services.waitForLog((e) => e.message === 'listening' && e['service.name'] === 'ingest-api');
    await fetch(`http://127.0.0.1:${(ingest.server as { port: number }).port}/a%E2%80%A8b%E2%80%A9c`);
    const event = await services.waitForLog((e) => String(e.message).startsWith('GET /a'));
    assert.equal((event.url as { path: string }).path, '/a\u2028b\u2029c');

    services.child.kill('SIGTERM');
    assert.deepEqual(await services.exited, { code: 0, signal: null }, services.stderr.join('\n'));
    for (const pid of pids.values()) assert.ok(!isAlive(pid), `process ${pid} was left running`);
    const output = services.stdout.join('\n') + services.stderr.join('\n');
    assert.ok(!output.includes(credentials.ingestKey) && !output.includes(credentials.consoleKey), 'no key on stdout or stderr');
    for (const line of services.stdout) assert.doesNotThrow(() => JSON.parse(line), `not one JSON document: ${line}`);
  });

  test('a second run keeps the demo tenant and says where its keys are', { timeout: 60_000 }, async () => {
    const before = readFileSync(join(dir.path, 'demo-credentials.json'), 'utf8');
    const services = start('src/main/services', [], env);
    await services.waitForLog((e) => String(e.message).startsWith('demo tenant API keys:'));
    await allListening(services);
    services.child.kill('SIGINT');
    assert.equal((await services.exited).code, 0);
    assert.equal(readFileSync(join(dir.path, 'demo-credentials.json'), 'utf8'), before);
  });

  test('when one process dies, the others are stopped and services exits 1', { timeout: 60_000 }, async () => {
    const services = start('src/main/services', [], env);
    const pids = await allListening(services);
    process.kill(pids.get('worker')!, 'SIGKILL');
    assert.deepEqual(await services.exited, { code: 1, signal: null });
    for (const pid of pids.values()) assert.ok(!isAlive(pid), `process ${pid} was left running`);
    const exit = await services.waitForLog((e) => e.message === 'worker exited unexpectedly: stopping the others');
    assert.deepEqual(exit.lumetry, { child_service: 'worker', child_pid: pids.get('worker'), signal: 'SIGKILL' });
    assert.notEqual(exit['process.pid'], pids.get('worker'), 'process.pid is the supervisor, which wrote the line');
    assert.equal(exit.process, undefined);
  });

  test('when the supervisor itself is killed, its processes stop themselves and free their ports', { timeout: 60_000 }, async () => {
    const services = start('src/main/services', [], env);
    const ports: number[] = [];
    for (const name of serviceNames) {
      const entry = await services.waitForLog((e) => e.message === 'listening' && e['service.name'] === name);
      ports.push((entry.server as { port: number }).port);
    }
    const pids = await allListening(services);
    services.child.kill('SIGKILL');
    await services.exited;
    try {
      const deadline = Date.now() + 20_000;
      while ([...pids.values()].some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      for (const [name, pid] of pids) assert.ok(!isAlive(pid), `${name} (${pid}) was left running without its supervisor`);
      for (const port of ports) assert.ok(await canListen(port), `port ${port} is free again`);
    } finally {
      for (const pid of pids.values()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  test('the supervisor passes a child line on whole, split at line feeds only', { timeout: 30_000 }, async () => {
    const seen: string[] = [];
    const printer = { name: 'worker' as const, command: process.execPath, args: ['-e', String.raw`process.stdout.write('{"a":"x\u2028y\u2029z"}\r\nsecond\nlast, unended')`] };
    const supervisor = supervise({ children: [printer], env: process.env, logger: memoryLogger().logger, line: (_name, text, stream) => void (stream === 'stdout' && seen.push(text)) });
    await supervisor.done;
    assert.deepEqual(seen, ['{"a":"x\u2028y\u2029z"}', 'second', 'last, unended']);
  });

  test('when storage cannot be prepared, services exits 1 without starting any process', { timeout: 60_000, skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
    const broken = tempDir('services-broken');
    mkdirSync(join(broken.path, sqliteFileName)); // a directory where the SQLite file should be
    // A stdout that is full and never read: the exit waits its two seconds for the error line to go
    // out, time in which a process started by mistake would be seen.
    const fifo = join(broken.path, 'stdout');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const filler = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      for (;;) writeSync(filler, Buffer.alloc(4096, 0x0a));
    } catch {
      // EAGAIN: the pipe is full
    }
    closeSync(filler);
    const stdout = openSync(fifo, constants.O_WRONLY);
    const child = spawn(process.execPath, [entryPoint('src/main/services')], { env: { ...env, LUMETRY_DATA_DIR: broken.path }, stdio: ['ignore', stdout, 'pipe'] });
    closeSync(stdout);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const started = new Set<number>();
    while (child.exitCode === null && child.signalCode === null) {
      for (const pid of childrenOf(child.pid!)) started.add(pid);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20))]);
    }
    closeSync(reader);
    broken.remove();
    assert.equal(await exited, 1, stderr);
    assert.deepEqual([...started], [], 'no process was started');
  });
});

/** The processes whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // pid (comm) state ppid …: the command name can hold spaces and parentheses.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
