// Prometheus text exposition (format 0.0.4) of what the OpenTelemetry SDK collected: the same
// instruments that feed OTLP, scraped at /metrics. Counters and histograms are cumulative, as a
// pull reader collects them; the resource is exposed once as `target_info`.
// https://prometheus.io/docs/instrumenting/exposition_formats/
import type { Attributes } from '@opentelemetry/api';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { labelName, metricName, type PrometheusType } from './names.ts';

export function serialize(collected: ResourceMetrics): string {
  let out = family('target_info', 'gauge', 'Target metadata', `target_info${braced(labelBody(distinctLabels(collected.resource.attributes as Attributes)))} 1\n`);
  const seen = new Set<string>();
  for (const scope of collected.scopeMetrics) {
    for (const metric of scope.metrics) {
      const type = prometheusType(metric);
      if (!type) continue;
      const name = metricName(metric.descriptor.name, metric.descriptor.unit, type);
      if (seen.has(name)) continue;
      seen.add(name);
      out += family(name, type, metric.descriptor.description, samples(name, metric));
    }
  }
  return out;
}

function prometheusType(metric: MetricData): PrometheusType | undefined {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return undefined;
  }
}

function family(name: string, type: PrometheusType, help: string, lines: string): string {
  const helpLine = help ? `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n` : '';
  return `${helpLine}# TYPE ${name} ${type}\n${lines}`;
}

// Built as one string, label sets rendered once per point and bucket bounds once per histogram:
// a 10,000-series histogram is 170,000 lines, and this loop is most of a scrape's cost.
function samples(name: string, metric: MetricData): string {
  let out = '';
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    let bounds: readonly number[] | undefined;
    let les: string[] = [];
    for (const point of metric.dataPoints) {
      const { boundaries, counts } = point.value.buckets;
      if (boundaries !== bounds) {
        bounds = boundaries;
        les = [...boundaries.map((b) => `le="${number(b)}"}`), 'le="+Inf"}'];
      }
      const body = labelBody(point.attributes);
      const bucket = `${name}_bucket{${body === '' ? '' : `${body},`}`;
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i]!;
        out += `${bucket}${les[i]} ${cumulative}\n`;
      }
      const plain = braced(body);
      out += `${name}_sum${plain} ${number(point.value.sum ?? 0)}\n${name}_count${plain} ${point.value.count}\n`;
    }
    return out;
  }
  if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
    for (const point of metric.dataPoints) out += `${name}${braced(labelBody(point.attributes))} ${number(point.value)}\n`;
  }
  return out;
}

const labelNames = new Map<string, string>();

function labelBody(attributes: Attributes): string {
  let body = '';
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    let label = labelNames.get(key);
    if (label === undefined) {
      label = labelName(key);
      labelNames.set(key, label);
    }
    body += `${body === '' ? '' : ','}${label}="${escapeValue(Array.isArray(value) ? JSON.stringify(value) : String(value))}"`;
  }
  return body;
}

/**
 * Resource attributes whose names coincide once made label names (`service.name` from Lumetry and
 * `service_name` from OTEL_RESOURCE_ATTRIBUTES) keep the first: a duplicate label would make
 * Prometheus refuse the whole scrape. Lumetry's own attributes come first.
 */
function distinctLabels(attributes: Attributes): Attributes {
  const seen = new Set<string>();
  const kept: Attributes = {};
  for (const key in attributes) {
    const label = labelName(key);
    if (seen.has(label)) continue;
    seen.add(label);
    kept[key] = attributes[key];
  }
  return kept;
}

function braced(body: string): string {
  return body === '' ? '' : `{${body}}`;
}

const needsEscape = /[\\"\n]/;

function escapeValue(value: string): string {
  return needsEscape.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
