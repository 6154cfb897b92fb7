// The log of an end-to-end run: every line from every process is one ECS document that passes the
// ECS field definitions, requests and failures appear as separate events, and secrets planted in
// headers, URLs, keys and receivers' answers appear in no log line, no metric and no exported span,
// metric or log record (every OTLP signal is on in this run).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ecsVersion } from '../src/telemetry/logger.ts';
import { serviceNames } from '../src/services/names.ts';
import { EcsVersion } from '@elastic/ecs';
import { ecsProblems } from './helpers/ecs.ts';
import { startOtlpReceiver } from './helpers/otlp-receiver.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { startReceiver } from './helpers/receiver.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { addDestination, cli, createTenant, ingest, startStack } from './helpers/stack.ts';

after(assertNoneRunning);
const planted = 'PLANTED-s3cr3t-9f2c';
const otlpSecret = 'PLANTED-otlp-header-51d7';

test('every line is ECS; secrets planted in headers, URLs and answers appear nowhere', { timeout: 90_000 }, async () => {
  assert.equal(ecsVersion, EcsVersion, 'the logger claims the ECS version it is checked against');
  const sqlite = sqlTargets.find((t) => t.name === 'sqlite')!;
  const database = await sqlite.create();
  const receiver = await startReceiver();
  const otlp = await startOtlpReceiver();
  receiver.on('/fails', () => new Response(`upstream says ${planted}`, { status: 500, headers: { 'x-debug': planted } }));
  try {
    const settings = {
      ...(await sqlite.settings(database)),
      LUMETRY_DELIVERY_MAX_ATTEMPTS: '2',
      LUMETRY_DELIVERY_BACKOFF_BASE_MS: '10',
      LUMETRY_WORKER_IDLE_POLL_MS: '50',
      // Every signal exported too, so the same planted secrets are looked for in spans, metrics and log records.
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.httpUrl,
      OTEL_EXPORTER_OTLP_HEADERS: `x-otlp-key=${otlpSecret}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_BLRP_SCHEDULE_DELAY: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
    };
    const tenant = await createTenant(settings, 'acme');
    const consoleKey = (await cli<{ secret: string }>(settings, 'key', 'create', tenant.id, '--scope', 'console')).secret;
    await addDestination(settings, tenant.id, `${receiver.url}/fails?token=${planted}`);
    const stack = await startStack(settings);
    try {
      await ingest(stack, tenant.ingestKey, [{ id: 'order-1', type: 'order.created', data: { note: 'fine' } }]);
      const withSecrets = await fetch(`${stack.url('ingest-api')}/v1/events?api_key=${planted}`, {
        method: 'POST',
        headers: { authorization: `Bearer lum_ingest_${planted}`, cookie: `lumetry_session=${planted}`, 'content-type': 'application/json', 'user-agent': 'log-test/1.0' },
        body: JSON.stringify({ type: 't', data: { password: planted } }),
      });
      assert.equal(withSecrets.status, 401);
      assert.equal((await fetch(`${stack.url('console')}/api/deliveries`, { headers: { authorization: `Bearer ${consoleKey}` } })).status, 200);
      assert.equal((await fetch(`${stack.url('console')}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `key=${planted}` })).status, 401);
      await receiver.until((got) => got.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const metrics = await Promise.all(serviceNames.map(async (name) => (await fetch(`${stack.url(name)}/metrics`)).text()));
      assert.ok(metrics.every((text) => !text.includes(planted)), 'no secret in any metric');
    } finally {
      await stack.stop();
    }
    assert.ok(otlp.spans().length > 0 && otlp.logRecords().length > 0 && otlp.metrics().length > 0, 'every signal was exported');
    for (const request of otlp.requests) {
      const payload = Buffer.from(request.body).toString('latin1');
      for (const secret of [planted, otlpSecret, tenant.ingestKey, consoleKey]) assert.ok(!payload.includes(secret), `a secret reached an exported ${request.signal} payload`);
    }
    const lines = [...stack.processes.values()].flatMap((p) => p.stdout);
    assert.ok(lines.length >= 12, `start-up, request and stop events from three processes (${lines.length} lines)`);
    for (const line of lines) {
      assert.ok(!line.includes(planted), `a planted secret reached the log: ${line}`);
      assert.ok(!line.includes(tenant.ingestKey) && !line.includes(consoleKey), 'no API key in the log');
      assert.ok(!line.includes(otlpSecret), 'no OTLP header in the log');
      const problems = ecsProblems(JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(problems, [], line);
    }
    const documents = lines.map((line) => JSON.parse(line) as Record<string, any>);
    const accepted = documents.find((d) => d.message === 'POST /v1/events 202');
    assert.ok(accepted, 'a request event for the accepted batch');
    assert.equal(accepted.organization.id, tenant.id);
    assert.match(accepted.user.id, /^key_/);
    assert.equal(accepted.http.request.id.length > 0, true);
    assert.ok(Number.isInteger(accepted.event.duration) && accepted.event.duration > 0);
    assert.match(accepted['trace.id'], /^[0-9a-f]{32}$/, 'with traces on, request events carry their trace');
    assert.match(accepted['span.id'], /^[0-9a-f]{16}$/);
    const refused = documents.find((d) => d.message === 'POST /v1/events 401');
    assert.equal(refused?.user_agent.original, 'log-test/1.0');
    assert.equal(refused?.url.path, '/v1/events', 'the path without its query string');
    assert.equal(documents.filter((d) => d.url?.path === '/readyz').length, 0, 'probes are not logged at info');
    assert.ok(documents.some((d) => d.message === 'console login failed'));
  } finally {
    await receiver.close();
    await otlp.close();
    await database.destroy();
  }
});
