// Export failures are logged once a minute per signal, and header values never reach the log even
// when a collector echoes only the token, or its percent-encoded form, in its error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointSecrets, exportReport } from '../src/telemetry/otlp/export-report.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';

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
