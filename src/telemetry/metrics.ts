// The process's one MeterProvider. Its instruments are read by a pull reader for /metrics (and,
// when OTLP metrics are switched on, by a periodic OTLP reader too: one set of instruments, two
// readers). Metrics off is a real path: the no-op meter records nothing and /metrics is not served.
import { type Meter, metrics as noopMetrics } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { type HttpServerRecorder, httpServerProducer } from './http-server-producer.ts';
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

export function createMetrics(resource: Resource, options: { enabled: boolean; path: string }): Metrics {
  if (!options.enabled) {
    const httpServer: HttpServerRecorder = { started: () => {}, finished: () => {} };
    return { meter: noopMetrics.getMeterProvider().getMeter('lumetry'), httpServer, path: undefined, scrape: async () => '', shutdown: async () => {} };
  }
  const http = httpServerProducer();
  const reader = new PullMetricReader({ metricProducers: [http.producer] });
  const provider = new MeterProvider({ resource, readers: [reader] });
  return { meter: provider.getMeter('lumetry'), httpServer: http.recorder, path: options.path, scrape: () => reader.scrape(), shutdown: () => provider.shutdown() };
}
