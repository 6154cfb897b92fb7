// The process's one MeterProvider. Its instruments are read by a pull reader for /metrics and, when
// OTLP metrics are switched on, by a periodic OTLP reader too: one set of instruments, two readers.
// With neither, metrics are a real off path: the no-op meter records nothing.
import { type Meter, metrics as noopMetrics } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { type MetricReader, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { gaugeProducer, type ReadGauges } from './gauge-producer.ts';
import { type HttpServerRecorder, httpServerProducer, maxSeries } from './http-server-producer.ts';
import { PullMetricReader } from './prometheus/pull-reader.ts';

export interface Metrics {
  readonly meter: Meter;
  /** The per-request HTTP server instruments, on their fast path (http-server-producer.ts). */
  readonly httpServer: HttpServerRecorder;
  /** Gauges read when collected (the worker's queue gauges); undefined when metrics are off. */
  readonly readGauges: ReadGauges | undefined;
  /** Where /metrics is served, or undefined when the endpoint is off. */
  readonly path: string | undefined;
  /** Prometheus text of everything collected now. */
  scrape(): Promise<string>;
  shutdown(): Promise<void>;
}

export interface MetricsOptions {
  /** Serve /metrics at this path; undefined: no Prometheus endpoint. */
  readonly path: string | undefined;
  readonly push?: { readonly exporter: PushMetricExporter; readonly intervalMs: number; readonly timeoutMs: number };
}

/** How long a scrape waits for an observable instrument's callback (pull-reader.ts) or a read gauge. */
export const observeTimeoutMs = 1_000;

export function createMetrics(resource: Resource, options: MetricsOptions): Metrics {
  if (options.path === undefined && options.push === undefined) {
    const httpServer: HttpServerRecorder = { started: () => {}, finished: () => {} };
    return { meter: noopMetrics.getMeterProvider().getMeter('lumetry'), httpServer, readGauges: undefined, path: undefined, scrape: async () => '', shutdown: async () => {} };
  }
  const http = httpServerProducer();
  // Gauges read from the database: absent from a collection the read failed or was late for.
  const read = gaugeProducer({ scope: 'lumetry', waitMs: observeTimeoutMs });
  const producers = [http.producer, read.producer];
  // Series are bounded where labels are made, for the life of the process: at most `maxSeries` label
  // sets, then one otel.metric.overflow=true series, in http-server-producer.ts and, for the one label
  // that comes from outside (server.address, a tenant's webhook host), in pipeline-metrics.ts. Every
  // other label comes from a closed list (queue, outcome, operation and reason codes; cpu.mode,
  // v8js.gc.type; lumetry.signal and lumetry.reason in otlp/export-report.ts). The SDK's own limit
  // holds only within one collection (SDK 3.1: its cumulative merge has no bound) and counts its
  // overflow series; set one above `maxSeries`, it is a backstop that never folds a set kept here.
  const sdkLimit = maxSeries + 1;
  const pull = options.path === undefined ? undefined : new PullMetricReader({ metricProducers: producers, cardinalitySelector: () => sdkLimit, observeTimeoutMs });
  const readers: MetricReader[] = pull ? [pull] : [];
  if (options.push) {
    const { exporter, intervalMs, timeoutMs } = options.push;
    readers.push(new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs, exportTimeoutMillis: Math.min(timeoutMs, intervalMs), metricProducers: producers, cardinalityLimits: { default: sdkLimit } }));
  }
  const provider = new MeterProvider({ resource, readers });
  return {
    meter: provider.getMeter('lumetry'),
    readGauges: read.gauges,
    httpServer: http.recorder,
    path: options.path,
    scrape: async () => (pull ? pull.scrape() : ''),
    shutdown: () => provider.shutdown(),
  };
}
