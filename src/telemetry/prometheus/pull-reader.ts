// A metric reader that only collects when asked (a scrape), with no server and no timer of its own.
// Observable instruments get `observeTimeoutMs` each: one that has not answered by then is left out
// of that scrape, so a slow callback never makes Prometheus see the whole process as down. (The
// worker's queue gauges, read from the database, come from a MetricProducer with the same limit:
// gauge-producer.ts.)
import { MetricReader, type MetricReaderOptions } from '@opentelemetry/sdk-metrics';
import { serialize } from './serialize.ts';

export class PullMetricReader extends MetricReader {
  readonly #observeTimeoutMs: number | undefined;

  constructor(options?: MetricReaderOptions & { readonly observeTimeoutMs?: number }) {
    super(options);
    this.#observeTimeoutMs = options?.observeTimeoutMs;
  }

  /** The Prometheus text of everything collected now. */
  async scrape(): Promise<string> {
    const { resourceMetrics } = await this.collect({ timeoutMillis: this.#observeTimeoutMs });
    return serialize(resourceMetrics);
  }

  protected override async onShutdown(): Promise<void> {}

  protected override async onForceFlush(): Promise<void> {}
}
