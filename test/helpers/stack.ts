// A running Lumetry: the three processes on free ports against one database, plus the CLI calls a
// test needs to set up a tenant with keys and destinations.
import assert from 'node:assert/strict';
import { serviceNames, type ServiceName } from '../../src/services/names.ts';
import { cleanEnv, run, type Started, start } from './processes.ts';

export interface Stack {
  readonly env: Record<string, string>;
  readonly processes: Map<ServiceName, Started>;
  url(service: ServiceName): string;
  /** Starts (again) one process, e.g. after killing it. */
  restart(service: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(settings: Record<string, string>): Promise<Stack> {
  const env = cleanEnv({ LUMETRY_INGEST_API_PORT: '0', LUMETRY_CONSOLE_PORT: '0', LUMETRY_WORKER_PORT: '0', ...settings });
  const processes = new Map<ServiceName, Started>();
  const ports = new Map<ServiceName, number>();
  const launch = async (name: ServiceName) => {
    const process = start(`src/main/${name}`, [], env);
    processes.set(name, process);
    const entry = await process.waitForLog((e) => e.message === 'listening');
    const port = (entry.server as { port: number }).port;
    ports.set(name, port);
    await waitUntilReady(`http://127.0.0.1:${port}`);
  };
  try {
    await Promise.all(serviceNames.map(launch));
  } catch (error) {
    // Leave nothing behind when start-up fails (a benchmark has no after-hook to clean up).
    for (const process of processes.values()) process.child.kill('SIGKILL');
    throw error;
  }
  return {
    env,
    processes,
    url: (service) => `http://127.0.0.1:${ports.get(service)}`,
    restart: launch,
    stop: async () => {
      for (const process of processes.values()) process.child.kill('SIGTERM');
      for (const [name, process] of processes) {
        const exit = await process.exited;
        assert.ok(exit.code === 0 || exit.signal === 'SIGKILL', `${name} exited with ${JSON.stringify(exit)}: ${process.stderr.join('\n')}`);
      }
    },
  };
}

export async function cli<T>(env: Record<string, string>, ...args: string[]): Promise<T> {
  const result = await run('src/cli/main', [...args, '--json'], env);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

export interface Tenant {
  readonly id: string;
  readonly ingestKey: string;
}

export async function createTenant(env: Record<string, string>, name: string): Promise<Tenant> {
  const tenant = await cli<{ id: string }>(env, 'tenant', 'create', name);
  const key = await cli<{ secret: string }>(env, 'key', 'create', tenant.id, '--scope', 'ingest');
  return { id: tenant.id, ingestKey: key.secret };
}

export async function addDestination(env: Record<string, string>, tenantId: string, url: string, ...flags: string[]): Promise<{ id: string; signingSecret: string }> {
  return cli(env, 'destination', 'add', tenantId, '--url', url, ...flags);
}

/** POSTs events in batches and checks each batch was accepted whole. */
export async function ingest(stack: Stack, key: string, events: readonly Record<string, unknown>[], batchSize = 200): Promise<void> {
  for (let start = 0; start < events.length; start += batchSize) {
    const response = await fetch(`${stack.url('ingest-api')}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: events.slice(start, start + batchSize) }),
    });
    const body = (await response.json()) as { accepted: string[]; duplicates: string[] };
    assert.equal(response.status, 202, JSON.stringify(body));
    assert.equal(body.accepted.length + body.duplicates.length, Math.min(batchSize, events.length - start));
  }
}

/** Polls /readyz as an orchestrator would, until it answers 200. */
export async function waitUntilReady(base: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${base}/readyz`).catch(() => undefined);
    if (response?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${base}/readyz did not pass in ${timeoutMs} ms: ${await response?.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
