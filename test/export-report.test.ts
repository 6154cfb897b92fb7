// Export failures are logged once a minute per signal, and header values never reach the log even
// when a collector echoes only the token, or its percent-encoded form, in its error. Log lines the
// stdout writer drops are counted with the telemetry lost on its way out.
import assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fdLineWriter } from '../src/telemetry/line-writer.ts';
import { createMetrics } from '../src/telemetry/metrics.ts';
import { endpointSecrets, exportReport } from '../src/telemetry/otlp/export-report.ts';
import { processResource } from '../src/telemetry/resource.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';
import { tempDir } from './helpers/temp-dir.ts';

test('failures are rate-limited per signal and header values are cut from the message', () => {
  let now = 0;
  const { logger, lines } = memoryLogger();
  const report = exportReport({ logger, secrets: ['Bearer tok3n/with space?', 'k1'], clock: () => now });
  report.failed('traces', new Error('401: bad token tok3n/with space? (tok3n%2Fwith%20space%3F) from Bearer tok3n/with space?'), 5);
  report.failed('traces', new Error('again'), 5);
  report.failed('logs', new Error('refused'), 2);
  now = 61_000;
  report.failed('traces', new Error('still'), 5);
  const entries = lines.map((line) => JSON.parse(line) as { message: string; error: { message: string }; lumetry: { failures_not_logged: number } });
  assert.deepEqual(
    entries.map((e) => e.message),
    ['OTLP traces export failed: 5 items dropped', 'OTLP logs export failed: 2 items dropped', 'OTLP traces export failed: 5 items dropped'],
  );
  assert.equal(entries[0]!.error.message, '401: bad token [REDACTED] ([REDACTED]) from [REDACTED]');
  assert.equal(entries[2]!.lumetry.failures_not_logged, 1, 'the line says how many failures went unlogged');
  assert.ok(lines.every((line) => !line.includes('tok3n')));
});

test('an endpoint URL gives up its user, password and query values as secrets to cut', () => {
  assert.deepEqual(endpointSecrets('https://otel%40corp:p%40ss@collector.example:4318/v1/traces?api-key=k3y-value&tenant=ops'), ['otel@corp', 'p@ss', 'k3y-value', 'ops']);
  assert.deepEqual(endpointSecrets('http://localhost:4318/v1/logs'), []);
});

test('log lines the stdout writer dropped are scraped as lumetry_telemetry_dropped_total of logs, reason stdout_full', async () => {
  const dir = tempDir('dropped-lines');
  const fd = openSync(join(dir.path, 'stdout'), 'w');
  // 1 MB in one go to a writer that holds 256 KiB while its first write is out: the rest is dropped.
  const writer = fdLineWriter(fd, 256 * 1024);
  const metrics = createMetrics(processResource({ service: 'test', version: '0', instanceId: 'i', host: 'h', pid: 1 }), { path: '/metrics' });
  exportReport({ logger: memoryLogger().logger, secrets: [], stdoutDropped: () => writer.dropped }).observe(metrics.meter);
  const series = /^lumetry_telemetry_dropped_total\{lumetry_signal="logs",lumetry_reason="stdout_full"[^}]*\} (\d+)$/m;
  assert.equal(series.exec(await metrics.scrape())?.[1], '0', 'the series is there before any line is dropped');
  for (let i = 0; i < 1000; i++) writer.write(`${'x'.repeat(999)}\n`);
  assert.ok(writer.dropped > 0);
  assert.equal(series.exec(await metrics.scrape())?.[1], String(writer.dropped));
  await writer.flush();
  closeSync(fd);
  dir.remove();
  await metrics.shutdown();
});
