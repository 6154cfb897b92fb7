// The series bound holds for the life of the process, not only between two collections: outbound
// deliveries to ever new hosts (a tenant chooses its webhook's host) keep http.client.request.duration
// at `maxSeries` series plus one overflow series that counts every request folded into it, in /metrics
// and in OTLP export alike, however often they are collected in between. Real SDK readers; the SDK's
// in-memory exporter stands in for the OTLP endpoint.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, type HistogramMetricData, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { maxSeries } from '../src/telemetry/http-server-producer.ts';
import { createMetrics } from '../src/telemetry/metrics.ts';
import { pipelineMetrics } from '../src/telemetry/pipeline-metrics.ts';
import { until } from './helpers/until.ts';

/** Each `_count` series of the client histogram: its labels (the scope's included) and value. */
function clientCounts(text: string): { labels: Map<string, string>; count: number }[] {
  return [...text.matchAll(/^http_client_request_duration_seconds_count\{(.*)\} (\S+)$/gm)].map(([, body = '', count]) => ({
    labels: new Map([...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k!, v!])),
    count: Number(count),
  }));
}

test('past the bound, new server addresses fold into one counted overflow series, however often collected in between', { timeout: 60_000 }, async () => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metrics = createMetrics(resourceFromAttributes({ 'service.name': 'worker' }), { path: '/metrics', push: { exporter, intervalMs: 50, timeoutMs: 1_000 } });
  const pipeline = pipelineMetrics(metrics);
  const perRound = 1_500;
  let hosts = 0;
  let text = '';
  try {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < perRound; i++) pipeline.httpClient(0.01, { serverAddress: `h${hosts++}.example`, statusCode: 200, errorType: null });
      // A host seen before the bound was reached keeps its own series.
      pipeline.httpClient(0.01, { serverAddress: 'h0.example', statusCode: 200, errorType: null });
      text = await metrics.scrape();
      const from = exporter.getMetrics().length;
      await until('an OTLP export after this round', () => exporter.getMetrics().length > from, 10_000);
    }
    const series = clientCounts(text);
    assert.equal(series.length, maxSeries + 1, 'the bound, plus the overflow series');
    const overflowed = series.filter((s) => s.labels.get('otel_metric_overflow') === 'true');
    assert.deepEqual(
      overflowed.map((s) => [s.labels.has('server_address'), s.count]),
      [[false, hosts - maxSeries]],
      'one overflow series, without a server address, counting every request to a host past the bound',
    );
    assert.equal(series.find((s) => s.labels.get('server_address') === 'h0.example')?.count, 4, 'a host kept before the bound still has its own series');

    const last = exporter.getMetrics().at(-1)!;
    const client = last.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === 'http.client.request.duration') as HistogramMetricData;
    assert.equal(client.dataPoints.length, maxSeries + 1);
    const overflow = client.dataPoints.filter((point) => point.attributes['otel.metric.overflow'] === true);
    assert.deepEqual(
      overflow.map((point) => [point.attributes, point.value.count]),
      [[{ 'otel.metric.overflow': true }, hosts - maxSeries]],
    );
  } finally {
    await metrics.shutdown();
  }
});
