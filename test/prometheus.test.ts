// /metrics text from the real OpenTelemetry SDK: every instrument kind in the exposition format, with
// Prometheus names, and clean under promtool's own checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PullMetricReader } from '../src/telemetry/prometheus/pull-reader.ts';
import { promtool } from './helpers/promtool.ts';
import { promtoolSkip } from './helpers/tools.ts';

test('counters, up-down counters, gauges and histograms serialise with Prometheus names and pass promtool', { skip: promtoolSkip }, async () => {
  const reader = new PullMetricReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'ingest-api', 'service.instance.id': 'i-1' }), readers: [reader] });
  const meter = provider.getMeter('lumetry');
  meter.createCounter('lumetry.events.accepted', { unit: '{event}', description: 'Events accepted' }).add(3, { 'lumetry.outcome': 'accepted' });
  meter.createUpDownCounter('http.server.active_requests', { unit: '{request}', description: 'Requests in flight' }).add(2, { 'http.request.method': 'POST' });
  meter.createObservableGauge('lumetry.queue.depth', { unit: '{item}', description: 'Items waiting, by "queue"\nand more' }).addCallback((result) => result.observe(7, { 'messaging.destination.name': 'ingest' }));
  const duration = meter.createHistogram('http.server.request.duration', { unit: 's', description: 'Duration of HTTP server requests', advice: { explicitBucketBoundaries: [0.01, 0.1, 1] } });
  for (const value of [0.005, 0.05, 0.05, 3]) duration.record(value, { 'http.request.method': 'GET', 'http.route': '/livez', 'http.response.status_code': 200 });

  const text = await reader.scrape();
  await provider.shutdown();
  assert.equal(
    text,
    `# HELP target_info Target metadata
# TYPE target_info gauge
target_info{service_name="ingest-api",service_instance_id="i-1"} 1
# HELP lumetry_events_accepted_total Events accepted
# TYPE lumetry_events_accepted_total counter
lumetry_events_accepted_total{lumetry_outcome="accepted"} 3
# HELP http_server_active_requests Requests in flight
# TYPE http_server_active_requests gauge
http_server_active_requests{http_request_method="POST"} 2
# HELP lumetry_queue_depth Items waiting, by "queue"\\nand more
# TYPE lumetry_queue_depth gauge
lumetry_queue_depth{messaging_destination_name="ingest"} 7
# HELP http_server_request_duration_seconds Duration of HTTP server requests
# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/livez",http_response_status_code="200",le="0.01"} 1
http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/livez",http_response_status_code="200",le="0.1"} 3
http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/livez",http_response_status_code="200",le="1"} 3
http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/livez",http_response_status_code="200",le="+Inf"} 4
http_server_request_duration_seconds_sum{http_request_method="GET",http_route="/livez",http_response_status_code="200"} 3.105
http_server_request_duration_seconds_count{http_request_method="GET",http_route="/livez",http_response_status_code="200"} 4
`,
  );
  const checked = promtool(text);
  assert.equal(checked.status, 0, checked.output);
  assert.equal(checked.output.trim(), '', `promtool had remarks: ${checked.output}`);
});

test('resource attributes that become the same label name keep the first, so the scrape stays valid', { skip: promtoolSkip }, async () => {
  const reader = new PullMetricReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'ingest-api', service_name: 'from-the-environment', 'service.namespace': 'shop' }), readers: [reader] });
  const text = await reader.scrape();
  await provider.shutdown();
  assert.match(text, /^target_info\{service_name="ingest-api",service_namespace="shop"\} 1$/m);
  assert.equal(promtool(text).status, 0, promtool(text).output);
});
