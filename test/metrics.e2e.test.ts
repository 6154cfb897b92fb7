// /metrics on every running process: Prometheus text that promtool accepts, HTTP metrics labelled
// by route template (never a raw path, a tenant or an id), a configurable path, and an off switch.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { SDK_INFO } from '@opentelemetry/core';
import { runtimeName } from '../src/runtime/index.ts';
import { serviceNames } from '../src/services/names.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { promtool } from './helpers/promtool.ts';
import { promtoolSkip } from './helpers/tools.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { startReceiver } from './helpers/receiver.ts';
import { addDestination, createTenant, ingest, startStack } from './helpers/stack.ts';

after(assertNoneRunning);

/** docs/observability.md's metric tables: Prometheus name → its row's type and labels cell. */
function documentedMetrics(): Map<string, { type: string; labels: string }> {
  const doc = readFileSync(new URL('../docs/observability.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').map((line) => /^\| `([a-z0-9_]+)` \| (\w+) \|[^|]*\|([^|]*)\|/.exec(line));
  return new Map(rows.filter((row) => row !== null).map(([, name, type, labels]) => [name!, { type: type!, labels: labels! }]));
}

/** Every metric family in a scrape that the docs do not describe as it is: missing, another type, or a label not listed. */
function undocumented(text: string, documented: ReturnType<typeof documentedMetrics>): string[] {
  const problems: string[] = [];
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const row = documented.get(name!);
    if (row === undefined) {
      problems.push(`${name} has no row`);
      continue;
    }
    if (row.type !== type) problems.push(`${name} is a ${type}, documented as a ${row.type}`);
    if (name === 'target_info') continue; // its labels are the resource's, which the row describes in words
    const samples = text.matchAll(new RegExp(`^${name}(?:_bucket|_sum|_count)?\\{([^}]*)\\}`, 'gm'));
    const labels = new Set([...samples].flatMap(([, pairs]) => [...pairs!.matchAll(/([a-z0-9_]+)="/g)].map(([, label]) => label!)));
    // `le` and the scope's labels are on every histogram or every series; the docs say so once, not per row.
    for (const label of labels) if (label !== 'le' && !label.startsWith('otel_scope_') && !row.labels.includes(`\`${label}\``)) problems.push(`${name}'s label ${label} is not in its row`);
  }
  return problems;
}

const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;

test('every process serves promtool-clean metrics with route templates and its own target_info', { timeout: 60_000, skip: promtoolSkip }, async () => {
  const database = await sqlite.create();
  try {
    const settings = await sqlite.settings(database);
    const tenant = await createTenant(settings, 'acme');
    const stack = await startStack(settings);
    try {
      await ingest(stack, tenant.ingestKey, [{ id: 'secret-order-4711', type: 'order.created', data: {} }]);
      await fetch(`${stack.url('console')}/api/deliveries/dlv_not-a-real-id/replay`, { method: 'POST' });
      await new Promise((resolve) => setTimeout(resolve, 600)); // one tick of the 500 ms event-loop timer
      for (const name of serviceNames) {
        await fetch(`${stack.url(name)}/livez`);
        const response = await fetch(`${stack.url(name)}/metrics`);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
        const text = await response.text();
        assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(text)));
        const head = await fetch(`${stack.url(name)}/metrics`, { method: 'HEAD' });
        assert.ok(Number(head.headers.get('content-length')) > 1_000, `${name}: HEAD announces a scrape's length, not ${head.headers.get('content-length')}`);
        assert.equal(await head.text(), '');
        const checked = promtool(text);
        assert.equal(checked.status, 0, `${name}: ${checked.output}`);
        const runtime = runtimeName() === 'bun' ? `bun",process_runtime_version="${Bun.version}` : `nodejs",process_runtime_version="${process.versions.node}`;
        const sdk = `telemetry_sdk_name="opentelemetry",telemetry_sdk_language="nodejs",telemetry_sdk_version="${SDK_INFO['telemetry.sdk.version']}"`;
        assert.match(text, new RegExp(`^target_info\\{service_name="${name}",service_version="[^"]+",service_instance_id="[0-9a-f-]{36}",process_pid="\\d+",host_name="[^"]+",process_runtime_name="${runtime}",${sdk}\\} 1$`, 'm'));
        assert.match(text, /^http_server_request_duration_seconds_bucket\{http_request_method="GET",http_response_status_code="200",http_route="\/livez",otel_scope_name="lumetry\.http",le="0\.005"\} \d+$/m);
        assert.match(text, /^# TYPE http_server_active_requests gauge$/m);
        assert.match(text, /^process_cpu_time_seconds_total\{cpu_mode="user",otel_scope_name="lumetry"\} [\d.e-]+$/m);
        assert.match(text, /^process_memory_usage_bytes\{otel_scope_name="lumetry"\} [1-9]\d+$/m);
        assert.match(text, /^lumetry_runtime_heap_used_bytes\{otel_scope_name="lumetry"\} [1-9]\d+$/m);
        assert.match(text, /^process_uptime_seconds\{otel_scope_name="lumetry"\} [\d.]+$/m);
        assert.match(text, /^# TYPE lumetry_runtime_event_loop_delay_seconds histogram$/m);
        assert.match(text, /^lumetry_telemetry_dropped_total\{lumetry_signal="logs",lumetry_reason="stdout_full"[^}]*\} \d+$/m, `${name}: stdout drops are counted with OTLP off`);
        assert.deepEqual(undocumented(text, documentedMetrics()), [], `${name}: every metric is in docs/observability.md as it is served`);
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

test('the pipeline reports what it did: events, rejections, queue flow and gauges, attempts, latency, outbound requests', { timeout: 60_000, skip: promtoolSkip }, async () => {
  const database = await sqlite.create();
  const receiver = await startReceiver();
  receiver.on('/gone', () => new Response(null, { status: 410 }));
  try {
    const settings = { ...(await sqlite.settings(database)), LUMETRY_WORKER_IDLE_POLL_MS: '50' };
    const tenant = await createTenant(settings, 'acme');
    await addDestination(settings, tenant.id, `${receiver.url}/ok`, '--event-type', 'order.*');
    await addDestination(settings, tenant.id, `${receiver.url}/gone`, '--event-type', 'invoice.*');
    const stack = await startStack(settings);
    try {
      await ingest(stack, tenant.ingestKey, [
        ...Array.from({ length: 4 }, (_, n) => ({ id: `o-${n}`, type: 'order.created', data: {} })),
        { id: 'i-1', type: 'invoice.paid', data: {} },
        { id: 'o-0', type: 'order.created', data: {} },
      ]);
      assert.equal((await fetch(`${stack.url('ingest-api')}/v1/events`, { method: 'POST' })).status, 401);
      await receiver.until((got) => got.length === 5);
      const scrape = async (name: 'ingest-api' | 'worker') => (await fetch(`${stack.url(name)}/metrics`)).text();
      let worker = '';
      for (let i = 0; i < 100 && !/lumetry_delivery_attempts_total\{lumetry_outcome="dead",otel_scope_name="lumetry"\} 1/.test(worker); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        worker = await scrape('worker');
      }
      const ingestText = await scrape('ingest-api');
      const expectations: [string, RegExp][] = [
        [ingestText, /^lumetry_events_total\{lumetry_outcome="accepted",otel_scope_name="lumetry"\} 5$/m],
        [ingestText, /^lumetry_events_total\{lumetry_outcome="duplicate",otel_scope_name="lumetry"\} 1$/m],
        [ingestText, /^lumetry_ingest_rejected_total\{lumetry_reason="unauthorized",otel_scope_name="lumetry"\} 1$/m],
        [ingestText, /^lumetry_auth_failures_total\{lumetry_reason="unauthorized",otel_scope_name="lumetry"\} 1$/m],
        [ingestText, /^lumetry_queue_items_total\{lumetry_queue="ingest",lumetry_operation="enqueued",otel_scope_name="lumetry"\} 5$/m],
        [worker, /^lumetry_queue_items_total\{lumetry_queue="ingest",lumetry_operation="acked",otel_scope_name="lumetry"\} 5$/m],
        [worker, /^lumetry_queue_items_total\{lumetry_queue="delivery",lumetry_operation="enqueued",otel_scope_name="lumetry"\} 5$/m],
        [worker, /^lumetry_queue_items_total\{lumetry_queue="delivery",lumetry_operation="acked",otel_scope_name="lumetry"\} 4$/m],
        [worker, /^lumetry_queue_items_total\{lumetry_queue="delivery",lumetry_operation="dead_lettered",otel_scope_name="lumetry"\} 1$/m],
        [worker, /^lumetry_delivery_attempts_total\{lumetry_outcome="delivered",otel_scope_name="lumetry"\} 4$/m],
        [worker, /^lumetry_delivery_attempts_total\{lumetry_outcome="dead",otel_scope_name="lumetry"\} 1$/m],
        [worker, /^lumetry_queue_depth\{lumetry_queue="ingest",otel_scope_name="lumetry"\} 0$/m],
        [worker, /^lumetry_queue_dead_lettered\{lumetry_queue="delivery",otel_scope_name="lumetry"\} 1$/m],
        [worker, /^lumetry_ingestion_latency_seconds_count\{otel_scope_name="lumetry"\} 5$/m],
        [worker, /^lumetry_delivery_latency_seconds_count\{otel_scope_name="lumetry"\} 4$/m],
        [worker, /^http_client_request_duration_seconds_count\{http_request_method="POST",server_address="127\.0\.0\.1",http_response_status_code="204",otel_scope_name="lumetry"\} 4$/m],
        [worker, /^http_client_request_duration_seconds_count\{http_request_method="POST",server_address="127\.0\.0\.1",http_response_status_code="410",error_type="410",otel_scope_name="lumetry"\} 1$/m],
        [worker, /^lumetry_worker_cycle_duration_seconds_count\{lumetry_queue="ingest",lumetry_outcome="ok",otel_scope_name="lumetry"\} \d+$/m],
      ];
      for (const [text, pattern] of expectations) assert.match(text, pattern);
      for (const text of [worker, ingestText]) {
        assert.equal(promtool(text).status, 0, promtool(text).output);
        assert.deepEqual(undocumented(text, documentedMetrics()), [], 'every metric is in docs/observability.md as it is served');
      }
    } finally {
      await stack.stop();
    }
  } finally {
    await receiver.close();
    await database.destroy();
  }
});
