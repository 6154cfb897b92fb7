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

test('label names are spelt as the Collector spells them (prometheus/otlptranslator)', () => {
  const cases: [string, string][] = [
    ['http.request.method', 'http_request_method'],
    ['error.type', 'error_type'],
    ['a:b', 'a_b'],
    ['a..b', 'a__b'],
    ['k8s.pod-name', 'k8s_pod_name'],
    ['0day', 'key_0day'],
    ['_private', 'key_private'],
    ['.hidden', 'key_hidden'],
    ['__reserved', '__reserved'],
    ['région', 'r_gion'],
    ['a😀b', 'a_b'],
    ['...', ''],
    ['', ''],
  ];
  for (const [key, expected] of cases) assert.equal(labelName(key), expected, key);
});
