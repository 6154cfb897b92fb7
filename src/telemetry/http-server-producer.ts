// A fast path for the instruments touched on every request. The OpenTelemetry SDK sorts and
// hashes the attribute set on each record; here each (method, route, status) series is found by its
// route, status and method in turn, and its buckets are plain arrays. The result is handed to the
// readers (the /metrics pull reader, and an OTLP reader when there is one) as a MetricProducer, in
// the SDK's own data shape: same names, units and semantics as the SDK instruments it replaces.
// https://opentelemetry.io/docs/specs/semconv/http/http-metrics/
import { type Attributes, ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type MetricProducer } from '@opentelemetry/sdk-metrics';

// The semantic conventions' recommended boundaries for http.server.request.duration.
export const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const sizeBuckets = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];
/** Series beyond this many fold into one overflow series, as the SDK's cardinality limit does. */
export const maxSeries = 2_000;

export interface HttpServerRecorder {
  started(method: string): void;
  /** The request body size is NaN when not known (no Content-Length). */
  finished(method: string, route: string | undefined, status: number, seconds: number, requestBytes: number): void;
}

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

interface Series {
  readonly attributes: Attributes;
  readonly duration: Histogram;
  readonly requestSize: Histogram;
}

export function httpServerProducer(clock: () => number = Date.now): { recorder: HttpServerRecorder; producer: MetricProducer } {
  const startTime = millisToHrTime(clock());
  // By route, then status, then method: the router's and the runtime's strings are the same string
  // each time, with their hash kept, where a key made per request would be hashed anew each time.
  const series = new Map<string | undefined, Map<number, Map<string, Series>>>();
  const all: Series[] = [];
  const active = new Map<string, number>();
  const overflow = newSeries({ 'otel.metric.overflow': true });

  const seriesFor = (method: string, route: string | undefined, status: number): Series => {
    const found = series.get(route)?.get(status)?.get(method);
    return found ?? added(method, route, status);
  };

  /** A new series, unless the bound is reached: then nothing more is kept, not even an empty map. */
  const added = (method: string, route: string | undefined, status: number): Series => {
    if (all.length >= maxSeries) return overflow;
    let byStatus = series.get(route);
    if (byStatus === undefined) series.set(route, (byStatus = new Map()));
    let byMethod = byStatus.get(status);
    if (byMethod === undefined) byStatus.set(status, (byMethod = new Map()));
    const found = newSeries({
      'http.request.method': method,
      'http.response.status_code': status,
      ...(route === undefined ? {} : { 'http.route': route }),
      ...(status >= 500 ? { 'error.type': String(status) } : {}),
    });
    byMethod.set(method, found);
    all.push(found);
    return found;
  };

  const recorder: HttpServerRecorder = {
    started: (method) => void active.set(method, (active.get(method) ?? 0) + 1),
    finished: (method, route, status, seconds, requestBytes) => {
      active.set(method, (active.get(method) ?? 1) - 1);
      const s = seriesFor(method, route, status);
      record(s.duration, durationBuckets, seconds);
      if (requestBytes >= 0) record(s.requestSize, sizeBuckets, requestBytes);
    },
  };

  const producer: MetricProducer = {
    collect: async () => {
      const endTime = millisToHrTime(clock());
      const collected = overflow.duration.count > 0 ? [...all, overflow] : [...all];
      const histogram = (name: string, description: string, unit: string, boundaries: number[], of: (s: Series) => Histogram): MetricData => ({
        descriptor: { name, description, unit, valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: collected
          .filter((s) => of(s).count > 0)
          .map((s) => {
            const h = of(s);
            return { startTime, endTime, attributes: s.attributes, value: { buckets: { boundaries, counts: [...h.counts] }, sum: h.sum, count: h.count, min: h.min, max: h.max } };
          }),
      });
      const duration = histogram('http.server.request.duration', 'Duration of HTTP server requests.', 's', durationBuckets, (s) => s.duration);
      const requestSize = histogram('http.server.request.body.size', 'Size of HTTP server request bodies, when the request gives its length.', 'By', sizeBuckets, (s) => s.requestSize);
      const inFlight: MetricData = {
        descriptor: { name: 'http.server.active_requests', description: 'Number of active HTTP server requests.', unit: '{request}', valueType: ValueType.INT },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: false,
        dataPoints: [...active].map(([method, value]) => ({ startTime, endTime, attributes: { 'http.request.method': method }, value })),
      };
      const metrics = [duration, inFlight, requestSize].filter((m) => m.dataPoints.length > 0);
      return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: { name: 'lumetry.http' }, metrics }] }, errors: [] };
    },
  };
  return { recorder, producer };
}

function newSeries(attributes: Attributes): Series {
  return { attributes, duration: newHistogram(durationBuckets), requestSize: newHistogram(sizeBuckets) };
}

function newHistogram(boundaries: readonly number[]): Histogram {
  return { counts: new Array(boundaries.length + 1).fill(0), sum: 0, count: 0, min: Infinity, max: -Infinity };
}

function record(h: Histogram, boundaries: readonly number[], value: number): void {
  let bucket = 0;
  while (bucket < boundaries.length && value > boundaries[bucket]!) bucket++;
  h.counts[bucket]!++;
  h.sum += value;
  h.count++;
  if (value < h.min) h.min = value;
  if (value > h.max) h.max = value;
}
