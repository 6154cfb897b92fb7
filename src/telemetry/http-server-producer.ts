// A fast path for the two instruments touched on every request. The OpenTelemetry SDK sorts and
// hashes the attribute set on each record; here each (method, route, status) series is found by a
// string key built once per request and its buckets are plain arrays. The result is handed to the
// readers (the /metrics pull reader, and an OTLP reader when there is one) as a MetricProducer, in
// the SDK's own data shape: same names, units and semantics as the SDK instruments it replaces.
// https://opentelemetry.io/docs/specs/semconv/http/http-metrics/
import { type Attributes, ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type MetricProducer } from '@opentelemetry/sdk-metrics';

// The semantic conventions' recommended boundaries for http.server.request.duration.
export const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Series beyond this many fold into one overflow series, as the SDK's cardinality limit does. */
export const maxSeries = 2_000;

export interface HttpServerRecorder {
  started(method: string): void;
  finished(method: string, route: string | undefined, status: number, seconds: number): void;
}

interface Series {
  readonly attributes: Attributes;
  readonly counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

export function httpServerProducer(clock: () => number = Date.now): { recorder: HttpServerRecorder; producer: MetricProducer } {
  const startTime = millisToHrTime(clock());
  const series = new Map<string, Series>();
  const active = new Map<string, number>();
  const overflow = newSeries({ 'otel.metric.overflow': true });

  const seriesFor = (method: string, route: string | undefined, status: number): Series => {
    const key = `${method} ${status} ${route ?? ''}`;
    let found = series.get(key);
    if (!found) {
      if (series.size >= maxSeries) return overflow;
      found = newSeries({
        'http.request.method': method,
        'http.response.status_code': status,
        ...(route === undefined ? {} : { 'http.route': route }),
        ...(status >= 500 ? { 'error.type': String(status) } : {}),
      });
      series.set(key, found);
    }
    return found;
  };

  const recorder: HttpServerRecorder = {
    started: (method) => void active.set(method, (active.get(method) ?? 0) + 1),
    finished: (method, route, status, seconds) => {
      active.set(method, (active.get(method) ?? 1) - 1);
      const s = seriesFor(method, route, status);
      let bucket = 0;
      while (bucket < durationBuckets.length && seconds > durationBuckets[bucket]!) bucket++;
      s.counts[bucket]!++;
      s.sum += seconds;
      s.count++;
      if (seconds < s.min) s.min = seconds;
      if (seconds > s.max) s.max = seconds;
    },
  };

  const producer: MetricProducer = {
    collect: async () => {
      const endTime = millisToHrTime(clock());
      const all = overflow.count > 0 ? [...series.values(), overflow] : [...series.values()];
      const duration: MetricData = {
        descriptor: { name: 'http.server.request.duration', description: 'Duration of HTTP server requests.', unit: 's', valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: all.map((s) => ({
          startTime,
          endTime,
          attributes: s.attributes,
          value: { buckets: { boundaries: durationBuckets, counts: [...s.counts] }, sum: s.sum, count: s.count, min: s.min, max: s.max },
        })),
      };
      const inFlight: MetricData = {
        descriptor: { name: 'http.server.active_requests', description: 'Number of active HTTP server requests.', unit: '{request}', valueType: ValueType.INT },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: false,
        dataPoints: [...active].map(([method, value]) => ({ startTime, endTime, attributes: { 'http.request.method': method }, value })),
      };
      const metrics = [duration, inFlight].filter((m) => m.dataPoints.length > 0);
      return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: { name: 'lumetry.http' }, metrics }] }, errors: [] };
    },
  };
  return { recorder, producer };
}

function newSeries(attributes: Attributes): Series {
  return { attributes, counts: new Array(durationBuckets.length + 1).fill(0), sum: 0, count: 0, min: Infinity, max: -Infinity };
}
