// Starts real Lumetry processes with the runtime that runs the tests: Bun runs the TypeScript entry
// points, Node runs the compiled ones from dist/ (`npm run build`). Every child is tracked so a test
// file can fail when it leaves one running.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runtimeName } from '../../src/runtime/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const running = new Set<ChildProcess>();

/** `src/main/worker` → the file this runtime starts. */
export function entryPoint(path: string): string {
  const file = runtimeName() === 'bun' ? `${root}${path}.ts` : `${root}dist/${path}.js`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before the Node tests`);
  return file;
}

const proxyVariable = /^(https?_proxy|no_proxy)(_file)?$/i;

/** The environment of the test run without any LUMETRY_, OTEL_ or proxy setting, plus `extra`. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('LUMETRY_') && !key.startsWith('OTEL_') && !proxyVariable.test(key)) env[key] = value;
  return { ...env, ...extra };
}

export interface Started {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout line (as JSON) that matches, failing after `timeoutMs`. */
  waitForLog(match: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Starts a Lumetry entry point (`src/main/worker`) with this runtime. */
export function start(path: string, args: readonly string[], env: Record<string, string>): Started {
  return spawnFile(entryPoint(path), args, env);
}

/** Starts any script file with this runtime. */
export function spawnFile(file: string, args: readonly string[], env: Record<string, string>): Started {
  const child = spawn(process.execPath, [file, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  running.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout.push(line);
    for (const wake of waiters) wake();
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );
  const findLog = (match: (entry: Record<string, unknown>) => boolean) =>
    stdout.map(parseLine).find((entry) => entry !== undefined && match(entry));
  return {
    child,
    stdout,
    stderr,
    exited,
    waitForLog: (match, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = findLog(match);
          if (found) done(() => resolve(found));
          else if (child.exitCode !== null || child.signalCode !== null) done(() => reject(new Error(`process exited before the log line; stderr: ${stderr.join('\n')}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no matching log line in ${timeoutMs} ms; stdout: ${stdout.join('\n')}`))), timeoutMs);
        const done = (finish: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          finish();
        };
        waiters.add(check);
        check();
      }),
  };
}

/** Runs a command to completion. */
export async function run(path: string, args: readonly string[], env: Record<string, string>) {
  const started = start(path, args, env);
  const { code } = await started.exited;
  return { code, stdout: started.stdout.join('\n'), stderr: started.stderr.join('\n') };
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Fails the caller when a child it started is still running, and kills it so the run can go on. */
export function assertNoneRunning(): void {
  const left = [...running].map((child) => child.pid);
  for (const child of running) child.kill('SIGKILL');
  running.clear();
  if (left.length > 0) throw new Error(`processes left running: ${left.join(', ')}`);
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
