// /metrics text from the real OpenTelemetry SDK: every instrument kind in the exposition format, with
// Prometheus names and scope labels as a Collector's Prometheus exporter gives them, metrics and
// attributes whose names collide, and clean under promtool's own checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { metricName, type PrometheusType } from '../src/telemetry/prometheus/names.ts';
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
lumetry_events_accepted_total{lumetry_outcome="accepted",otel_scope_name="lumetry"} 3
# HELP http_server_active_requests Requests in flight
# TYPE http_server_active_requests gauge
http_server_active_requests{http_request_method="POST",otel_scope_name="lumetry"} 2
# HELP lumetry_queue_depth Items waiting, by "queue"\\nand more
# TYPE lumetry_queue_depth gauge
lumetry_queue_depth{messaging_destination_name="ingest",otel_scope_name="lumetry"} 7
# HELP http_server_request_duration_seconds Duration of HTTP server requests
# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/livez",http_response_status_code="200",otel_scope_name="lumetry",le="0.01"} 1
http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/livez",http_response_status_code="200",otel_scope_name="lumetry",le="0.1"} 3
http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/livez",http_response_status_code="200",otel_scope_name="lumetry",le="1"} 3
http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/livez",http_response_status_code="200",otel_scope_name="lumetry",le="+Inf"} 4
http_server_request_duration_seconds_sum{http_request_method="GET",http_route="/livez",http_response_status_code="200",otel_scope_name="lumetry"} 3.105
http_server_request_duration_seconds_count{http_request_method="GET",http_route="/livez",http_response_status_code="200",otel_scope_name="lumetry"} 4
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

test('resource attributes an operator names with a leading digit or underscore get the label names the Collector gives them', { skip: promtoolSkip }, async () => {
  const reader = new PullMetricReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'ingest-api', '1st.rack': 'r7', _team: 'payments', 'k8s.pod..name': 'p-1' }), readers: [reader] });
  const text = await reader.scrape();
  await provider.shutdown();
  assert.match(text, /^target_info\{service_name="ingest-api",key_1st_rack="r7",key_team="payments",k8s_pod__name="p-1"\} 1$/m);
  assert.equal(promtool(text).status, 0, promtool(text).output);
});

/** The scrape of a fresh MeterProvider (resource `service.name=svc`) after `record` has used it. */
async function scrapeOf(record: (provider: MeterProvider) => void, views: ViewOptions[] = []): Promise<string> {
  const reader = new PullMetricReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'svc' }), readers: [reader], views });
  record(provider);
  const text = await reader.scrape();
  await provider.shutdown();
  return text;
}

function assertPromtoolClean(text: string): void {
  const checked = promtool(text);
  assert.equal(checked.status, 0, checked.output);
  assert.equal(checked.output.trim(), '', `promtool had remarks: ${checked.output}`);
}

const targetInfo = '# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info{service_name="svc"} 1\n';

test('every sample carries its scope as otel_scope_name, otel_scope_version and otel_scope_schema_url, target_info none', { skip: promtoolSkip }, async () => {
  const text = await scrapeOf((provider) => {
    provider.getMeter('lumetry').createCounter('jobs.done', { description: 'Jobs done' }).add(2, { queue: 'ingest' });
    const other = provider.getMeter('other.lib', '2.3.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
    other.createHistogram('job.duration', { unit: 's', description: 'Job duration', advice: { explicitBucketBoundaries: [1] } }).record(0.5);
  });
  const scope = 'otel_scope_name="other.lib",otel_scope_version="2.3.0",otel_scope_schema_url="https://opentelemetry.io/schemas/1.30.0"';
  assert.equal(
    text,
    `${targetInfo}# HELP jobs_done_total Jobs done
# TYPE jobs_done_total counter
jobs_done_total{queue="ingest",otel_scope_name="lumetry"} 2
# HELP job_duration_seconds Job duration
# TYPE job_duration_seconds histogram
job_duration_seconds_bucket{${scope},le="1"} 1
job_duration_seconds_bucket{${scope},le="+Inf"} 1
job_duration_seconds_sum{${scope}} 0.5
job_duration_seconds_count{${scope}} 1
`,
  );
  assertPromtoolClean(text);
});

test('metrics of one Prometheus name and type from several scopes are one family; another type under that name is dropped whole', { skip: promtoolSkip }, async () => {
  const text = await scrapeOf((provider) => {
    const lumetry = provider.getMeter('lumetry', '1.0');
    lumetry.createCounter('jobs.done', { description: 'Jobs done' }).add(1, { q: 'a' });
    provider.getMeter('other.lib', '2.3').createCounter('jobs.done', { description: 'Jobs finished elsewhere' }).add(5, { q: 'b' });
    provider.getMeter('third').createGauge('jobs.done.total', { description: 'A gauge' }).record(9, { q: 'c' });
    // `wait` (s) and `wait_seconds` are both wait_seconds_total, in one scope: the second's same series is left out.
    lumetry.createCounter('wait', { unit: 's', description: 'Waited' }).add(1, { k: 'same' });
    lumetry.createCounter('wait_seconds', { description: 'Waited too' }).add(7, { k: 'same' });
    lumetry.createCounter('wait_seconds', { description: 'Waited too' }).add(3, { k: 'other' });
  });
  assert.equal(
    text,
    `${targetInfo}# HELP jobs_done_total Jobs done
# TYPE jobs_done_total counter
jobs_done_total{q="a",otel_scope_name="lumetry",otel_scope_version="1.0"} 1
jobs_done_total{q="b",otel_scope_name="other.lib",otel_scope_version="2.3"} 5
# HELP wait_seconds_total Waited
# TYPE wait_seconds_total counter
wait_seconds_total{k="same",otel_scope_name="lumetry",otel_scope_version="1.0"} 1
wait_seconds_total{k="other",otel_scope_name="lumetry",otel_scope_version="1.0"} 3
`,
  );
  assertPromtoolClean(text);
});

test('no metric or sample name is served by two families: target_info and histogram _bucket/_sum/_count names are taken', { skip: promtoolSkip }, async () => {
  // Synchronous instruments only: among those the SDK lists scopes in the order they were made.
  const histogramFirst = await scrapeOf((provider) => {
    provider.getMeter('a').createGauge('target.info', { description: 'Mine' }).record(3, { a: 'b' });
    provider.getMeter('b').createHistogram('job.duration', { unit: 's', description: 'Histogram first', advice: { explicitBucketBoundaries: [1] } }).record(0.5);
    provider.getMeter('c').createGauge('job.duration.seconds.count', { description: 'Gauge after' }).record(42);
  });
  assert.equal(
    histogramFirst,
    `${targetInfo}# HELP job_duration_seconds Histogram first
# TYPE job_duration_seconds histogram
job_duration_seconds_bucket{otel_scope_name="b",le="1"} 1
job_duration_seconds_bucket{otel_scope_name="b",le="+Inf"} 1
job_duration_seconds_sum{otel_scope_name="b"} 0.5
job_duration_seconds_count{otel_scope_name="b"} 1
`,
  );
  assertPromtoolClean(histogramFirst);
  const gaugeFirst = await scrapeOf((provider) => {
    provider.getMeter('d').createGauge('run.time.seconds.sum', { description: 'Gauge first' }).record(1);
    provider.getMeter('e').createHistogram('run.time', { unit: 's', description: 'Histogram after', advice: { explicitBucketBoundaries: [1] } }).record(0.5);
  });
  assert.equal(gaugeFirst, `${targetInfo}# HELP run_time_seconds_sum Gauge first\n# TYPE run_time_seconds_sum gauge\nrun_time_seconds_sum{otel_scope_name="d"} 1\n`);
  // promtool's linter remarks on a gauge named *_sum, but the text parses.
  assert.doesNotMatch(promtool(gaugeFirst).output, /error/);
});

test('point attributes that become one label name are joined with ";" in the order of their keys; empty keys and scope label names are left out', { skip: promtoolSkip }, async () => {
  const text = await scrapeOf((provider) => {
    const meter = provider.getMeter('lumetry');
    meter.createCounter('coll', { description: 'Collisions' }).add(1, { a_b: 'y', 'a.b': 'x', '': 'nameless', 'otel.scope.name': 'fake', z: 'last' });
    // Two points whose attributes differ only in keys that become one name are one series: the first is served.
    const across = meter.createCounter('across', { description: 'Across points' });
    across.add(1, { 'c.d': 'v' });
    across.add(2, { c_d: 'v' });
    across.add(4, { c_d: 'w' });
  });
  assert.equal(
    text,
    `${targetInfo}# HELP coll_total Collisions
# TYPE coll_total counter
coll_total{a_b="x;y",z="last",otel_scope_name="lumetry"} 1
# HELP across_total Across points
# TYPE across_total counter
across_total{c_d="v",otel_scope_name="lumetry"} 1
across_total{c_d="w",otel_scope_name="lumetry"} 4
`,
  );
  assertPromtoolClean(text);
});

test('a histogram point attribute named le is left out of that histogram, which keeps its own le; other kinds keep it', { skip: promtoolSkip }, async () => {
  const text = await scrapeOf((provider) => {
    const meter = provider.getMeter('lumetry');
    meter.createHistogram('h', { unit: 's', description: 'H', advice: { explicitBucketBoundaries: [1] } }).record(0.5, { le: 'mine', path: '/x' });
    meter.createCounter('c', { description: 'C' }).add(1, { le: 'kept' });
  });
  const [histogram, counter] = text.split(/(?=# HELP c_total)/);
  assert.equal(
    histogram,
    `${targetInfo}# HELP h_seconds H
# TYPE h_seconds histogram
h_seconds_bucket{path="/x",otel_scope_name="lumetry",le="1"} 1
h_seconds_bucket{path="/x",otel_scope_name="lumetry",le="+Inf"} 1
h_seconds_sum{path="/x",otel_scope_name="lumetry"} 0.5
h_seconds_count{path="/x",otel_scope_name="lumetry"} 1
`,
  );
  assertPromtoolClean(histogram!);
  // No collision there, so it stays (promtool's linter remarks on an le label outside histograms, but the text parses).
  assert.equal(counter, '# HELP c_total C\n# TYPE c_total counter\nc_total{le="kept",otel_scope_name="lumetry"} 1\n');
  assert.doesNotMatch(promtool(text).output, /error/);
});

test('a histogram the SDK gives no sum (one that may record negative values) has no _sum line', { skip: promtoolSkip }, async () => {
  const views: ViewOptions[] = [{ instrumentName: 'balance', aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [0] } } }];
  const text = await scrapeOf((provider) => provider.getMeter('lumetry').createUpDownCounter('balance', { unit: 's', description: 'Balance' }).add(-3), views);
  assert.equal(
    text,
    `${targetInfo}# HELP balance_seconds Balance
# TYPE balance_seconds histogram
balance_seconds_bucket{otel_scope_name="lumetry",le="0"} 1
balance_seconds_bucket{otel_scope_name="lumetry",le="+Inf"} 1
balance_seconds_count{otel_scope_name="lumetry"} 1
`,
  );
  assertPromtoolClean(text);
});

test('a unit already among the words of the name adds no suffix, and _total and _ratio move to the end, as the Collector names them', () => {
  // prometheus/otlptranslator's normalizeName, which the Collector's Prometheus exporter uses.
  const cases: [string, string, PrometheusType, string][] = [
    ['f.seconds.elapsed', 's', 'gauge', 'f_seconds_elapsed'],
    ['bytes.in', 'By', 'counter', 'bytes_in_total'],
    ['requests.total.count', '', 'counter', 'requests_count_total'],
    ['cpu.ratio.used', '1', 'gauge', 'cpu_used_ratio'],
    ['_leading..and__trailing_', 'ms', 'gauge', 'leading_and_trailing_milliseconds'],
    ['disk.io', 'By{sector}', 'gauge', 'disk_io'],
    ['custom', '1/custom_unit', 'gauge', 'custom_per_custom_unit'],
  ];
  for (const [name, unit, type, expected] of cases) assert.equal(metricName(name, unit, type), expected, `${name} (${unit}, ${type})`);
});
