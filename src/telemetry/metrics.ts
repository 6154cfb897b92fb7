// The process's one MeterProvider. Its instruments are read by a pull reader for /metrics and, when
// OTLP metrics are switched on, by a periodic OTLP reader too: one set of instruments, two readers.
// With neither, metrics are a real off path: the no-op meter records nothing.
import { type Meter, metrics as noopMetrics } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { type MetricReader, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { type HttpServerRecorder, httpServerProducer, maxSeries } from './http-server-producer.ts';
import { PullMetricReader } from './prometheus/pull-reader.ts';

export interface Metrics {
  readonly meter: Meter;
  /** The per-request HTTP server instruments, on their fast path (http-server-producer.ts). */
  readonly httpServer: HttpServerRecorder;
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

/** How long a scrape waits for an observable instrument's callback (pull-reader.ts). */
export const observeTimeoutMs = 1_000;

export function createMetrics(resource: Resource, options: MetricsOptions): Metrics {
  if (options.path === undefined && options.push === undefined) {
    const httpServer: HttpServerRecorder = { started: () => {}, finished: () => {} };
    return { meter: noopMetrics.getMeterProvider().getMeter('lumetry'), httpServer, path: undefined, scrape: async () => '', shutdown: async () => {} };
  }
  const http = httpServerProducer();
  // Every instrument keeps at most `maxSeries` label sets on purpose (the SDK's default, stated so it
  // cannot change under us); more fold into one series labelled otel.metric.overflow=true.
  const pull = options.path === undefined ? undefined : new PullMetricReader({ metricProducers: [http.producer], cardinalitySelector: () => maxSeries, observeTimeoutMs });
  const readers: MetricReader[] = pull ? [pull] : [];
  if (options.push) {
    const { exporter, intervalMs, timeoutMs } = options.push;
    readers.push(new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs, exportTimeoutMillis: Math.min(timeoutMs, intervalMs), metricProducers: [http.producer], cardinalityLimits: { default: maxSeries } }));
  }
  const provider = new MeterProvider({ resource, readers });
  return {
    meter: provider.getMeter('lumetry'),
    httpServer: http.recorder,
    path: options.path,
    scrape: async () => (pull ? pull.scrape() : ''),
    shutdown: () => provider.shutdown(),
  };
}
