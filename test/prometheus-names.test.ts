// OpenTelemetry → Prometheus names: the table from the compatibility specification's examples.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelName, metricName, type PrometheusType } from '../src/telemetry/prometheus/names.ts';

test('metric names get unit suffixes and _total as the compatibility rules say', () => {
  const cases: [string, string, PrometheusType, string][] = [
    ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
    ['http.server.active_requests', '{request}', 'gauge', 'http_server_active_requests'],
    ['http.server.request.body.size', 'By', 'histogram', 'http_server_request_body_size_bytes'],
    ['lumetry.events.accepted', '{event}', 'counter', 'lumetry_events_accepted_total'],
    ['process.cpu.time', 's', 'counter', 'process_cpu_time_seconds_total'],
    ['system.cpu.utilization', '1', 'gauge', 'system_cpu_utilization_ratio'],
    ['queue.depth', '1', 'counter', 'queue_depth_total'],
    ['throughput', 'By/s', 'gauge', 'throughput_bytes_per_second'],
    ['requests', '1/s', 'gauge', 'requests_per_second'],
    ['already_seconds', 's', 'histogram', 'already_seconds'],
    ['done_total', '', 'counter', 'done_total'],
    ['2xx.count', '', 'gauge', '_2xx_count'],
    ['weird-name..with spaces', 'ms', 'gauge', 'weird_name_with_spaces_milliseconds'],
  ];
  for (const [name, unit, type, expected] of cases) assert.equal(metricName(name, unit, type), expected, `${name} (${unit}, ${type})`);
});

test('label names are sanitised; dots become underscores', () => {
  assert.deepEqual(['http.request.method', 'http.route', 'error.type', 'a:b', '0day', '__reserved'].map(labelName), ['http_request_method', 'http_route', 'error_type', 'a_b', '_0day', '_reserved']);
});
