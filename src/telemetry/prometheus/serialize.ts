// Prometheus text exposition (format 0.0.4) of what the OpenTelemetry SDK collected: the same
// instruments that feed OTLP, scraped at /metrics. Counters and histograms are cumulative, as a
// pull reader collects them; the resource is exposed once as `target_info`.
// https://prometheus.io/docs/instrumenting/exposition_formats/
import type { Attributes } from '@opentelemetry/api';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { labelName, metricName, type PrometheusType } from './names.ts';

export function serialize(collected: ResourceMetrics): string {
  const out: string[] = [family('target_info', 'gauge', 'Target metadata', [`target_info${labels(collected.resource.attributes as Attributes)} 1`])];
  const seen = new Map<string, PrometheusType>();
  for (const scope of collected.scopeMetrics) {
    for (const metric of scope.metrics) {
      const type = prometheusType(metric);
      if (!type) continue;
      const name = metricName(metric.descriptor.name, metric.descriptor.unit, type);
      if (seen.has(name)) continue;
      seen.set(name, type);
      out.push(family(name, type, metric.descriptor.description, samples(name, metric)));
    }
  }
  return `${out.join('\n')}\n`;
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

function family(name: string, type: PrometheusType, help: string, lines: string[]): string {
  const helpLine = help ? `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n` : '';
  return `${helpLine}# TYPE ${name} ${type}${lines.length > 0 ? `\n${lines.join('\n')}` : ''}`;
}

function samples(name: string, metric: MetricData): string[] {
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    return metric.dataPoints.flatMap((point) => {
      const { boundaries, counts } = point.value.buckets;
      let cumulative = 0;
      const buckets = counts.map((count, i) => {
        cumulative += count;
        const le = i < boundaries.length ? number(boundaries[i]!) : '+Inf';
        return `${name}_bucket${labels(point.attributes, `le="${le}"`)} ${cumulative}`;
      });
      return [...buckets, `${name}_sum${labels(point.attributes)} ${number(point.value.sum ?? 0)}`, `${name}_count${labels(point.attributes)} ${point.value.count}`];
    });
  }
  if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
    return metric.dataPoints.map((point) => `${name}${labels(point.attributes)} ${number(point.value)}`);
  }
  return [];
}

function labels(attributes: Attributes, extra?: string): string {
  const pairs = Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${labelName(key)}="${escapeValue(Array.isArray(value) ? JSON.stringify(value) : String(value))}"`);
  if (extra) pairs.push(extra);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
