// The HTTP server fast path: the same Prometheus output the SDK instruments would give, requests in
// flight, and a hard series bound that folds the excess into one overflow series instead of growing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { httpServerProducer, maxSeries } from '../src/telemetry/http-server-producer.ts';
import { PullMetricReader } from '../src/telemetry/prometheus/pull-reader.ts';
import { promtool } from './helpers/promtool.ts';
import { promtoolSkip } from './helpers/tools.ts';

function scraper() {
  const http = httpServerProducer();
  const reader = new PullMetricReader({ metricProducers: [http.producer] });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'worker' }), readers: [reader] });
  return { recorder: http.recorder, scrape: () => reader.scrape(), shutdown: () => provider.shutdown() };
}

test('duration and in-flight requests come out as the semantic conventions and Prometheus names say', async () => {
  const { recorder, scrape, shutdown } = scraper();
  recorder.started('GET');
  recorder.started('GET');
  recorder.started('POST');
  recorder.finished('GET', '/livez', 200, 0.003, Number.NaN);
  recorder.finished('POST', '/v1/events', 503, 0.2, 2048);
  const text = await scrape();
  await shutdown();
  assert.match(text, /^http_server_request_duration_seconds_bucket\{http_request_method="GET",http_response_status_code="200",http_route="\/livez",otel_scope_name="lumetry\.http",le="0\.005"\} 1$/m);
  assert.match(text, /^http_server_request_duration_seconds_bucket\{http_request_method="GET",http_response_status_code="200",http_route="\/livez",otel_scope_name="lumetry\.http",le="\+Inf"\} 1$/m);
  assert.match(text, /^http_server_request_duration_seconds_bucket\{http_request_method="POST",http_response_status_code="503",http_route="\/v1\/events",error_type="503",otel_scope_name="lumetry\.http",le="0\.1"\} 0$/m);
  assert.match(text, /^http_server_request_duration_seconds_bucket\{http_request_method="POST",http_response_status_code="503",http_route="\/v1\/events",error_type="503",otel_scope_name="lumetry\.http",le="0\.25"\} 1$/m);
  assert.match(text, /^http_server_request_duration_seconds_sum\{http_request_method="GET",http_response_status_code="200",http_route="\/livez",otel_scope_name="lumetry\.http"\} 0\.003$/m);
  assert.match(text, /^http_server_request_body_size_bytes_bucket\{http_request_method="POST",http_response_status_code="503",http_route="\/v1\/events",error_type="503",otel_scope_name="lumetry\.http",le="10000"\} 1$/m);
  assert.match(text, /^http_server_request_body_size_bytes_bucket\{http_request_method="POST",http_response_status_code="503",http_route="\/v1\/events",error_type="503",otel_scope_name="lumetry\.http",le="1000"\} 0$/m);
  assert.doesNotMatch(text, /^http_server_request_body_size_bytes_count\{http_request_method="GET"/m, 'no size recorded when the length is unknown');
  assert.match(text, /^# TYPE http_server_active_requests gauge\nhttp_server_active_requests\{http_request_method="GET",otel_scope_name="lumetry\.http"\} 1\nhttp_server_active_requests\{http_request_method="POST",otel_scope_name="lumetry\.http"\} 0$/m);
  if (!promtoolSkip) assert.equal(promtool(text).status, 0, promtool(text).output);
});

test('past the series bound, new routes fold into one overflow series', async () => {
  const { recorder, scrape, shutdown } = scraper();
  for (let i = 0; i <= maxSeries + 5; i++) recorder.finished('GET', `/r${i}`, 200, 0.001, Number.NaN);
  const text = await scrape();
  await shutdown();
  assert.equal(text.match(/^http_server_request_duration_seconds_count\{/gm)?.length, maxSeries + 1);
  assert.match(text, /^http_server_request_duration_seconds_count\{otel_metric_overflow="true",otel_scope_name="lumetry\.http"\} 6$/m);
});
