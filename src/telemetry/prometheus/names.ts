// OpenTelemetry names to Prometheus names, per the OpenTelemetry "Prometheus and OpenMetrics
// compatibility" rules: characters outside [a-zA-Z0-9_:] become `_`, the unit becomes a suffix
// (`s` → `_seconds`, `By` → `_bytes`, `1` on a gauge → `_ratio`, `{request}` annotations dropped),
// and monotonic counters end in `_total`. So `http.server.request.duration` (s) is scraped as
// `http_server_request_duration_seconds`, the same name a Collector's Prometheus exporter produces.
// https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/

const units: Record<string, string> = {
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds',
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes', TiBy: 'tebibytes', KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams', Cel: 'celsius', Hz: 'hertz', '%': 'percent',
};
const perUnits: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

export type PrometheusType = 'counter' | 'gauge' | 'histogram';

export function metricName(name: string, unit: string, type: PrometheusType): string {
  let result = sanitize(name);
  const suffix = unitSuffix(unit, type);
  if (suffix && !result.endsWith(`_${suffix}`)) result = `${result}_${suffix}`;
  if (type === 'counter' && !result.endsWith('_total')) result = `${result}_total`;
  return result;
}

/** Runs of underscores collapse, so a label never starts with the reserved `__`. */
export function labelName(key: string): string {
  return sanitize(key.replace(/:/g, '_'));
}

function unitSuffix(unit: string, type: PrometheusType): string {
  const plain = unit.replace(/\{[^}]*\}/g, '').trim();
  if (plain === '1') return type === 'gauge' ? 'ratio' : '';
  if (plain === '') return '';
  const [numerator, denominator] = plain.split('/');
  const head = numerator === '1' ? '' : (units[numerator!] ?? sanitize(numerator!));
  if (denominator === undefined) return head;
  const tail = perUnits[denominator] ?? units[denominator] ?? sanitize(denominator);
  return head === '' ? `per_${tail}` : `${head}_per_${tail}`;
}

function sanitize(text: string): string {
  const replaced = text.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_{2,}/g, '_').replace(/^_+|_+$/g, (m, offset) => (offset === 0 ? m : ''));
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}
