// A real Prometheus server (Debian's) scrapes the three running processes every second: every
// target is up, and the HTTP, queue and runtime metrics can be queried with PromQL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { serviceNames } from '../src/services/names.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { createTenant, ingest, startStack } from './helpers/stack.ts';
import { tempDir } from './helpers/temp-dir.ts';
import { prometheusSkip } from './helpers/tools.ts';

after(assertNoneRunning);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('Prometheus scrapes every process as up and can query HTTP, queue and runtime metrics', { timeout: 90_000, skip: prometheusSkip }, async () => {
  const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
  const database = await sqlite.create();
  const dir = tempDir('prometheus');
  const settings = await sqlite.settings(database);
  const tenant = await createTenant(settings, 'acme');
  const stack = await startStack(settings);
  const port = await freePort();
  const targets = serviceNames.map((name) => stack.url(name).replace('http://', ''));
  writeFileSync(join(dir.path, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: lumetry\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`);
  const prometheus = spawn('prometheus', [`--config.file=${join(dir.path, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  prometheus.stderr.on('data', (chunk) => (log += chunk));
  const query = async (promql: string) => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`);
    return ((await response.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
  };
  const eventually = async (what: () => Promise<boolean>, label: string) => {
    for (let i = 0; i < 150; i++) {
      if (await what().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${label} did not happen in 30 s; prometheus said: ${log.slice(-2000)}`);
  };
  try {
    await ingest(stack, tenant.ingestKey, [{ id: 'p-1', type: 'order.created', data: {} }]);
    await eventually(async () => (await query('up{job="lumetry"} == 1')).length === 3, 'three targets up');
    const up = await query('up{job="lumetry"}');
    assert.deepEqual(up.map((r) => r.metric.instance).sort(), [...targets].sort());

    await eventually(async () => (await query('sum by (instance) (http_server_request_duration_seconds_count)')).length === 3, 'HTTP metrics from every target');
    const events = await query('sum(http_server_request_duration_seconds_count{http_route="/v1/events",http_response_status_code="202"})');
    assert.equal(events[0]?.value[1], '1');
    await eventually(async () => (await query('lumetry_queue_depth{lumetry_queue="ingest"}')).length === 1, 'queue depth from the worker');
    await eventually(async () => (await query('process_memory_usage_bytes > 0')).length === 3, 'runtime memory from every target');
    const joined = await query('process_uptime_seconds * on (job, instance) group_left (service_name) target_info');
    assert.deepEqual(joined.map((r) => r.metric.service_name).sort(), [...serviceNames].sort(), 'target_info joins each target to its service');
  } finally {
    prometheus.kill('SIGTERM');
    await new Promise((resolve) => prometheus.once('exit', resolve));
    await stack.stop();
    await database.destroy();
    dir.remove();
  }
});
