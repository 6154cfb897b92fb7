// A metric reader that only collects when asked (a scrape), with no server and no timer of its own.
import { MetricReader } from '@opentelemetry/sdk-metrics';
import { serialize } from './serialize.ts';

export class PullMetricReader extends MetricReader {
  /** The Prometheus text of everything collected now. */
  async scrape(): Promise<string> {
    const { resourceMetrics } = await this.collect();
    return serialize(resourceMetrics);
  }

  protected override async onShutdown(): Promise<void> {}

  protected override async onForceFlush(): Promise<void> {}
}
