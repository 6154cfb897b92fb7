// Prometheus text exposition (format 0.0.4) of what the OpenTelemetry SDK collected: the same
// instruments that feed OTLP, scraped at /metrics. Counters and histograms are cumulative, as a
// pull reader collects them; the resource is exposed once as `target_info`, and every other sample
// carries its instrumentation scope as `otel_scope_name`, `otel_scope_version` and
// `otel_scope_schema_url`, as a Collector's Prometheus exporter labels them, so one PromQL query
// works on either. https://prometheus.io/docs/instrumenting/exposition_formats/
// https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/
import { type Attributes, type AttributeValue, diag } from '@opentelemetry/api';
import { DataPointType, type MetricData, type ResourceMetrics, type ScopeMetrics } from '@opentelemetry/sdk-metrics';
import { labelName, metricName, type PrometheusType } from './names.ts';

/** Metrics of one Prometheus name and type, from any number of scopes: one HELP and TYPE, all their series. */
interface Family {
  readonly name: string;
  readonly type: PrometheusType;
  readonly help: string;
  readonly members: Member[];
}

interface Member {
  readonly metric: MetricData;
  /** The scope's labels, rendered once per scope. */
  readonly scope: string;
  /** Another metric of the family has the same scope, so their series may coincide. */
  readonly sharesScope: boolean;
}

export function serialize(collected: ResourceMetrics): string {
  const families = new Map<string, Family>();
  // Every name a family serves, its own and a histogram's _bucket/_sum/_count: a name served by two
  // families makes Prometheus refuse the whole scrape, so a later metric that needs a taken one is left out.
  const owners = new Set<string>(['target_info']);
  for (const { scope, metrics } of collected.scopeMetrics) {
    const scopeLabels = scopeBody(scope);
    for (const metric of metrics) {
      const type = prometheusType(metric);
      if (!type) continue;
      const name = metricName(metric.descriptor.name, metric.descriptor.unit, type);
      const family = families.get(name);
      if (family?.type === type) {
        family.members.push({ metric, scope: scopeLabels, sharesScope: family.members.some((member) => member.scope === scopeLabels) });
      } else if (family) {
        warnOnce(name, `${metric.descriptor.name} (${type}) is left out of /metrics: ${name} is already a ${family.type}`);
      } else if (name === '' || sampleNames(name, type).some((sample) => owners.has(sample))) {
        warnOnce(name, `${metric.descriptor.name} (${type}) is left out of /metrics: ${name} or one of its sample names is taken`);
      } else {
        for (const sample of sampleNames(name, type)) owners.add(sample);
        families.set(name, { name, type, help: metric.descriptor.description, members: [{ metric, scope: scopeLabels, sharesScope: false }] });
      }
    }
  }
  let out = `${header('target_info', 'gauge', 'Target metadata')}target_info${braced(resourceBody(collected.resource.attributes as Attributes))} 1\n`;
  for (const family of families.values()) {
    out += header(family.name, family.type, family.help);
    const series = new Series(family.name);
    for (const member of family.members) out += samples(family.name, member, series);
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

function sampleNames(name: string, type: PrometheusType): string[] {
  return type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
}

function header(name: string, type: PrometheusType, help: string): string {
  const helpLine = help ? `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n` : '';
  return `${helpLine}# TYPE ${name} ${type}\n`;
}

/** The scope's labels, rendered once per scope; empty parts are left out (an empty label is no label to Prometheus). */
function scopeBody({ name, version, schemaUrl }: ScopeMetrics['scope']): string {
  const parts: string[] = [];
  if (name) parts.push(`otel_scope_name="${escapeValue(name)}"`);
  if (version) parts.push(`otel_scope_version="${escapeValue(version)}"`);
  if (schemaUrl) parts.push(`otel_scope_schema_url="${escapeValue(schemaUrl)}"`);
  return parts.join(',');
}

/**
 * Built as one string, label sets rendered once per point, scope labels once per scope and bucket
 * bounds once per histogram: a 10,000-series histogram is 170,000 lines, and this loop is most of a
 * scrape's cost.
 */
function samples(name: string, { metric, scope, sharesScope }: Member, series: Series): string {
  let out = '';
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    let bounds: readonly number[] | undefined;
    let les: string[] = [];
    for (const point of metric.dataPoints) {
      const labels = withScope(labelBody(point.attributes, true), scope);
      if (series.repeats(labels, sharesScope || altered)) continue;
      const { boundaries, counts } = point.value.buckets;
      if (boundaries !== bounds) {
        bounds = boundaries;
        les = [...boundaries.map((b) => `le="${number(b)}"}`), 'le="+Inf"}'];
      }
      const bucket = `${name}_bucket{${labels === '' ? '' : `${labels},`}`;
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i]!;
        out += `${bucket}${les[i]} ${cumulative}\n`;
      }
      const plain = braced(labels);
      // The SDK gives no sum for instruments that may record negative values; none is made up.
      if (point.value.sum !== undefined) out += `${name}_sum${plain} ${number(point.value.sum)}\n`;
      out += `${name}_count${plain} ${point.value.count}\n`;
    }
    return out;
  }
  if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
    for (const point of metric.dataPoints) {
      const labels = withScope(labelBody(point.attributes, false), scope);
      if (!series.repeats(labels, sharesScope || altered)) out += `${name}${braced(labels)} ${number(point.value)}\n`;
    }
  }
  return out;
}

/**
 * The label sets a family has served. Its points' attribute sets are distinct, and so are their
 * label sets unless attributes were joined or left out, or two metrics of the family share a scope:
 * only then is a series looked up, and the first one served wins. Hashing every label set would
 * cost a quarter of a large scrape, so until then they are only listed.
 */
class Series {
  readonly #name: string;
  readonly #served: string[] = [];
  #lookup: Set<string> | undefined;

  constructor(name: string) {
    this.#name = name;
  }

  repeats(labels: string, mayRepeat: boolean): boolean {
    if (this.#lookup === undefined) {
      if (!mayRepeat) {
        this.#served.push(labels);
        return false;
      }
      this.#lookup = new Set(this.#served);
    }
    if (!this.#lookup.has(labels)) {
      this.#lookup.add(labels);
      return false;
    }
    warnOnce(`${this.#name} series`, `a series of ${this.#name} is served once: two of its metrics or points give the same labels`);
    return true;
  }
}

function withScope(body: string, scope: string): string {
  return body === '' ? scope : scope === '' ? body : `${body},${scope}`;
}

/** What an attribute key becomes as a label name, and whether labelBody's fast path can take it. */
interface Label {
  readonly name: string;
  /** Empty, `le`, a scope label's name, or also the name of another key: see carefulBody. */
  careful: boolean;
}

const labels = new Map<string, Label>();
/** For each label name, the first key seen to become it. */
const firstKeys = new Map<string, string>();
const scopeLabelNames = new Set(['otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url']);

function label(key: string): Label {
  let found = labels.get(key);
  if (found === undefined) {
    const name = labelName(key);
    found = { name, careful: name === '' || name === 'le' || scopeLabelNames.has(name) };
    labels.set(key, found);
    const first = firstKeys.get(name);
    if (first === undefined) firstKeys.set(name, key);
    else found.careful = labels.get(first)!.careful = true;
  }
  return found;
}

/** Set by labelBody: the point went through carefulBody, so its labels may be another point's too. */
let altered = false;

/** The point's labels; the common case, each key with a label name of its own, in one pass. */
function labelBody(attributes: Attributes, histogram: boolean): string {
  altered = false;
  let body = '';
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    const { name, careful } = label(key);
    if (careful) return carefulBody(attributes, histogram);
    body += `${body === '' ? '' : ','}${name}="${escapeValue(text(value))}"`;
  }
  return body;
}

/**
 * Keys that become one label name (`a.b` and `a_b`) give it their values joined with `;`, in the
 * lexicographical order of the keys, as the compatibility spec says. Left out: a key that becomes no
 * name at all, one that becomes a scope label's name (the scope's own value wins, as in Prometheus's
 * OTLP translator), and on a histogram one named `le`, which would collide with the bucket bound
 * (neither the spec nor the Collector says what to do with it; promtool refuses `le` on a
 * histogram's _sum and _count as well as a second one on its buckets, so it is left off all three).
 */
function carefulBody(attributes: Attributes, histogram: boolean): string {
  altered = true;
  const byName = new Map<string, [key: string, value: string][]>();
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    const { name } = label(key);
    if (name === '' || scopeLabelNames.has(name) || (histogram && name === 'le')) continue;
    const pairs = byName.get(name);
    if (pairs) pairs.push([key, text(value)]);
    else byName.set(name, [[key, text(value)]]);
  }
  let body = '';
  for (const [name, pairs] of byName) {
    if (pairs.length > 1) pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    body += `${body === '' ? '' : ','}${name}="${escapeValue(pairs.map(([, value]) => value).join(';'))}"`;
  }
  return body;
}

/**
 * Resource attributes whose names coincide once made label names (`service.name` from Lumetry and
 * `service_name` from OTEL_RESOURCE_ATTRIBUTES) keep the first: a duplicate label would make
 * Prometheus refuse the whole scrape. Lumetry's own attributes come first.
 */
function resourceBody(attributes: Attributes): string {
  const seen = new Set<string>();
  let body = '';
  for (const key in attributes) {
    const value = attributes[key];
    const name = labelName(key);
    if (value === undefined || value === null || name === '' || seen.has(name)) continue;
    seen.add(name);
    body += `${body === '' ? '' : ','}${name}="${escapeValue(text(value))}"`;
  }
  return body;
}

const warned = new Set<string>();

/** The spec asks exporters to warn when they drop metrics or points: once per process and subject, not per scrape. */
function warnOnce(subject: string, message: string): void {
  if (warned.has(subject)) return;
  warned.add(subject);
  diag.warn(`Prometheus exposition: ${message}`);
}

function braced(body: string): string {
  return body === '' ? '' : `{${body}}`;
}

function text(value: AttributeValue): string {
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
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
