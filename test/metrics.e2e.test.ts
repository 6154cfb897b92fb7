// /metrics on every running process: Prometheus text that promtool accepts, HTTP metrics labelled
// by route template (never a raw path, a tenant or an id), a configurable path, and an off switch.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { serviceNames } from '../src/services/names.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { promtool } from './helpers/promtool.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { createTenant, ingest, startStack } from './helpers/stack.ts';

after(assertNoneRunning);
const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;

test('every process serves promtool-clean metrics with route templates and its own target_info', { timeout: 60_000 }, async () => {
  const database = await sqlite.create();
  try {
    const settings = await sqlite.settings(database);
    const tenant = await createTenant(settings, 'acme');
    const stack = await startStack(settings);
    try {
      await ingest(stack, tenant.ingestKey, [{ id: 'secret-order-4711', type: 'order.created', data: {} }]);
      await fetch(`${stack.url('console')}/api/deliveries/dlv_not-a-real-id/replay`, { method: 'POST' });
      for (const name of serviceNames) {
        await fetch(`${stack.url(name)}/livez`);
        const response = await fetch(`${stack.url(name)}/metrics`);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
        const text = await response.text();
        const checked = promtool(text);
        assert.equal(checked.status, 0, `${name}: ${checked.output}`);
        assert.match(text, new RegExp(`^target_info\\{service_name="${name}",service_version="[^"]+",service_instance_id="[0-9a-f-]{36}",host_name="[^"]+",process_pid="\\d+"\\} 1$`, 'm'));
        assert.match(text, /^http_server_request_duration_seconds_bucket\{http_request_method="GET",http_response_status_code="200",http_route="\/livez",le="0\.005"\} \d+$/m);
        assert.match(text, /^# TYPE http_server_active_requests gauge$/m);
      }
      const ingestText = await (await fetch(`${stack.url('ingest-api')}/metrics`)).text();
      assert.match(ingestText, /http_route="\/v1\/events"/);
      const consoleText = await (await fetch(`${stack.url('console')}/metrics`)).text();
      assert.match(consoleText, /http_response_status_code="401",http_route="\/api\/deliveries\/:id\/replay"/);
      for (const text of [ingestText, consoleText]) {
        assert.ok(!text.includes('secret-order-4711') && !text.includes('dlv_not-a-real-id') && !text.includes(tenant.id), 'no id, tenant or raw path in labels');
      }
    } finally {
      await stack.stop();
    }
  } finally {
    await database.destroy();
  }
});

test('the path can move and the endpoint can be turned off', { timeout: 60_000 }, async () => {
  const database = await sqlite.create();
  try {
    const settings = await sqlite.settings(database);
    const moved = await startStack({ ...settings, LUMETRY_METRICS_PATH: '/internal/metrics' });
    try {
      assert.equal((await fetch(`${moved.url('worker')}/internal/metrics`)).status, 200);
      assert.equal((await fetch(`${moved.url('worker')}/metrics`)).status, 404);
    } finally {
      await moved.stop();
    }
    const off = await startStack({ ...settings, LUMETRY_METRICS_ENABLED: 'false' });
    try {
      assert.equal((await fetch(`${off.url('worker')}/metrics`)).status, 404);
      assert.equal((await fetch(`${off.url('worker')}/livez`)).status, 200);
    } finally {
      await off.stop();
    }
  } finally {
    await database.destroy();
  }
});
