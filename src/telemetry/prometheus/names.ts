// OpenTelemetry names to Prometheus names, per the OpenTelemetry "Prometheus and OpenMetrics
// compatibility" rules as the Collector's Prometheus exporter applies them (prometheus/otlptranslator's
// normalizeName): the name is split into words at every character outside [a-zA-Z0-9:], the unit is
// added as a suffix unless it is already one of those words (`s` → `seconds`, `By` → `bytes`,
// `{request}` annotations dropped), monotonic counters end in `total` and gauges of unit `1` in
// `ratio` (moved to the end when the name has them elsewhere), and the words are joined with `_`.
// So `http.server.request.duration` (s) is scraped as `http_server_request_duration_seconds`.
// https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/

const units = new Map(Object.entries({
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds',
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes', TiBy: 'tebibytes', KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams', Cel: 'celsius', Hz: 'hertz', '%': 'percent', '1': '',
}));
const perUnits = new Map(Object.entries({ s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' }));

export type PrometheusType = 'counter' | 'gauge' | 'histogram';

export function metricName(name: string, unit: string, type: PrometheusType): string {
  const words = name.split(/[^a-zA-Z0-9:]+/).filter((word) => word !== '');
  const [main, per] = unitSuffixes(unit);
  if (main !== '' && !words.includes(main)) words.push(per === '' ? main : main.replace(/_$/, ''));
  // A per suffix such as `per_second` is never one word of the name, so, as in the Collector, it is always added.
  if (per !== '') words.push(per);
  if (type === 'counter') moveToEnd(words, 'total');
  if (type === 'gauge' && unit === '1') moveToEnd(words, 'ratio');
  const result = words.join('_');
  return /^[0-9]/.test(result) ? `_${result}` : result;
}

/**
 * As prometheus/otlptranslator's LabelNamer, so a label is spelt the same on a direct scrape and
 * through the Collector: every character outside [a-zA-Z0-9] becomes `_` (one per character, no
 * runs collapsed), then a name starting with a digit gets `key_` in front and one starting with a
 * single `_` gets `key`. A name of underscores only is no name (''), and its label is left out.
 */
export function labelName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9]/gu, '_');
  if (/^_*$/.test(name)) return '';
  if (/^[0-9]/.test(name)) return `key_${name}`;
  return name.startsWith('_') && !name.startsWith('__') ? `key${name}` : name;
}

/** The unit as a main and a per suffix: `By/s` → [`bytes`, `per_second`]; parts with `{}` annotations count as none. */
function unitSuffixes(unit: string): [string, string] {
  const slash = unit.indexOf('/');
  const mainUnit = (slash === -1 ? unit : unit.slice(0, slash)).trim();
  const perUnit = slash === -1 ? '' : unit.slice(slash + 1).trim();
  const main = mainUnit === '' || /[{}]/.test(mainUnit) ? '' : (units.get(mainUnit) ?? mainUnit);
  const per = perUnit === '' || /[{}]/.test(perUnit) ? '' : `per_${perUnits.get(perUnit) ?? perUnit}`;
  return [cleanUnit(main), per === '' ? '' : cleanUnit(per).replace(/_$/, '').replace(/^per$/, '')];
}

function cleanUnit(text: string): string {
  return text.replace(/[^a-zA-Z0-9:]/g, '_').replace(/_{2,}/g, '_').replace(/^_/, '');
}

function moveToEnd(words: string[], word: string): void {
  let kept = 0;
  for (const w of words) if (w !== word) words[kept++] = w;
  words.length = kept;
  words.push(word);
}
