// What the OpenTelemetry SDK warns about, and the errors it hands to its global error handler,
// become log events (log.logger: opentelemetry) at a limited rate, with credentials cut out, and an
// export failure already logged by the export report is not logged twice. Real SDK components.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { diag } from '@opentelemetry/api';
import { ExportResultCode, loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import { BatchSpanProcessor, ParentBasedSampler, type ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import { createMetrics } from '../src/telemetry/metrics.ts';
import { accounted, exportReport } from '../src/telemetry/otlp/export-report.ts';
import { processResource } from '../src/telemetry/resource.ts';
import { routeSdkDiagnostics } from '../src/telemetry/sdk-diagnostics.ts';
import { memoryLogger } from './helpers/quiet-logger.ts';

type Entry = { message: string; 'log.level': string; 'log.logger'?: string; lumetry?: { messages_not_logged?: number } };

after(() => {
  diag.disable();
  setGlobalErrorHandler(loggingErrorHandler());
});

function routed(secrets: string[] = []) {
  let now = 0;
  const { logger, lines } = memoryLogger();
  const report = exportReport({ logger, secrets });
  routeSdkDiagnostics({ logger, report, clock: () => now });
  return { report, entries: () => lines.map((line) => JSON.parse(line) as Entry), advance: (ms: number) => void (now += ms) };
}

test('a metric the Prometheus exposition leaves out is reported in the log, not silently', async () => {
  const { entries } = routed();
  const metrics = createMetrics(processResource({ service: 'test', version: '0', instanceId: 'i', host: 'h', pid: 1 }), { path: '/metrics' });
  metrics.meter.createCounter('diagnostics.clash').add(1);
  metrics.meter.createGauge('diagnostics.clash.total').record(1);
  const text = await metrics.scrape();
  await metrics.shutdown();
  assert.match(text, /^diagnostics_clash_total\{otel_scope_name="lumetry"\} 1$/m);
  const warning = entries().find((entry) => entry.message.includes('diagnostics_clash_total'));
  assert.ok(warning, `no warning among ${JSON.stringify(entries())}`);
  assert.equal(warning['log.level'], 'warn');
  assert.equal(warning['log.logger'], 'opentelemetry');
  assert.match(warning.message, /^OpenTelemetry SDK: Prometheus exposition: /);
});

test('an SDK warning repeated is logged once a minute, the next line counting those not logged; credentials are cut', () => {
  const { entries, advance } = routed(['Bearer s3cret-t0ken']);
  const provider = createMetrics(processResource({ service: 'test', version: '0', instanceId: 'i', host: 'h', pid: 1 }), { path: '/metrics' });
  const counter = provider.meter.createCounter('diagnostics.negative');
  counter.add(-1);
  counter.add(-2);
  counter.add(-3);
  advance(61_000);
  counter.add(-4);
  diag.warn('collector said: Bearer s3cret-t0ken is not valid');
  const lines = entries().filter((entry) => entry['log.logger'] === 'opentelemetry');
  assert.deepEqual(
    lines.map((entry) => [entry.message, entry.lumetry?.messages_not_logged]),
    [
      ['OpenTelemetry SDK: negative value provided to counter diagnostics.negative: -1', 0],
      ['OpenTelemetry SDK: negative value provided to counter diagnostics.negative: -4', 2],
      ['OpenTelemetry SDK: collector said: [REDACTED] is not valid', 0],
    ],
  );
  void provider.shutdown();
});

test('an export failure is logged once, by the export report, and what the SDK knows already not at all; other errors it hands on are logged', async () => {
  const { report, entries } = routed();
  const failing = { export: (_spans: ReadableSpan[], done: (result: { code: ExportResultCode; error?: Error }) => void) => done({ code: ExportResultCode.FAILED }), shutdown: async () => {} };
  const exporter = accounted({ exporter: failing }, 'traces', report, (spans: ReadableSpan[]) => spans.length);
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 10 })] });
  const tracer = provider.getTracer('test');
  tracer.startSpan('one').end();
  // More links than the SDK keeps: the span counts the rest as dropped, and that is not news.
  const link = { context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 } };
  tracer.startSpan('batch', { links: Array.from({ length: 130 }, () => link) }).end();
  // As the periodic metric reader reports an export slower than its interval, which the exporter's own timeout then fails.
  diag.error('PeriodicExportingMetricReader: metrics export timed out after 500ms');
  new ParentBasedSampler({} as never);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await provider.shutdown().catch(() => undefined);
  assert.deepEqual(
    entries().map((entry) => entry.message),
    ['OpenTelemetry SDK: Error: ParentBasedSampler must have a root sampler configured', 'OTLP traces export failed: 2 items dropped'],
  );
});
