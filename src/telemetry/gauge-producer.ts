// Gauges whose values are read from elsewhere when metrics are collected (the worker's queue gauges,
// read from the database), handed to the readers as a MetricProducer rather than made SDK observable
// instruments. The SDK (3.1) keeps an observable instrument's last observation in its cumulative
// storage and reports it again when a callback observes nothing, so a database that stopped answering
// would leave the last queue depth in every scrape and OTLP export: a frozen gauge during an outage.
// Here a collection whose read fails, or has not answered within `waitMs`, has no such gauges at all:
// Prometheus marks the series stale, an OTLP backend sees a gap, and the next read that answers
// brings them back with its values.
import { type Attributes, ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type GaugeMetricData, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { withTimeout } from '../timeout.ts';

export interface GaugeDescriptor {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
}

export interface GaugeReading {
  readonly gauge: GaugeDescriptor;
  readonly value: number;
  readonly attributes: Attributes;
}

export interface ReadGauges {
  /** Publishes the readings `read` answers on each collection, and nothing when it fails or is late. */
  add(read: () => Promise<readonly GaugeReading[]>): void;
}

export function gaugeProducer(options: { readonly scope: string; readonly waitMs: number }): { gauges: ReadGauges; producer: MetricProducer } {
  const { scope, waitMs } = options;
  const sources: Array<() => Promise<readonly GaugeReading[]>> = [];
  const producer: MetricProducer = {
    collect: async (collectOptions) => {
      const wait = Math.min(waitMs, collectOptions?.timeoutMillis ?? Infinity);
      const settled = await Promise.allSettled(sources.map((read) => withTimeout(read(), wait, () => new Error(`gauges not read within ${wait} ms`))));
      const time = millisToHrTime(Date.now());
      const byGauge = new Map<GaugeDescriptor, GaugeMetricData>();
      const errors: unknown[] = [];
      for (const outcome of settled) {
        if (outcome.status === 'rejected') {
          errors.push(outcome.reason);
          continue;
        }
        for (const { gauge, value, attributes } of outcome.value) {
          let metric = byGauge.get(gauge);
          if (metric === undefined) {
            metric = { descriptor: { ...gauge, valueType: ValueType.DOUBLE }, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: [] };
            byGauge.set(gauge, metric);
          }
          metric.dataPoints.push({ startTime: time, endTime: time, attributes, value });
        }
      }
      const metrics = [...byGauge.values()];
      return { resourceMetrics: { resource: emptyResource(), scopeMetrics: metrics.length > 0 ? [{ scope: { name: scope }, metrics }] : [] }, errors };
    },
  };
  return { gauges: { add: (read) => void sources.push(read) }, producer };
}
