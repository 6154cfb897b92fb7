// The instruments that describe Lumetry's own work, named with the `lumetry.` prefix where no
// semantic convention exists (http.client.request.duration follows the HTTP conventions). Labels are
// bounded: queue, outcome, reason, server address and status, never a tenant, event or URL. With
// metrics off the meter is a no-op and so is every record here.
//
// Series bound: the SDK's cardinality limit holds within one collection only (metrics.ts), so the
// bound that lasts is kept where the one label from outside is set: server.address is a tenant's
// webhook host, and the client metric keeps at most `maxSeries` label sets, then records into one
// otel.metric.overflow=true series (the spec's overflow for cumulative temporality: sets not seen
// before the overflow are reflected in that one point). Every other label here comes from a closed
// list: queue names, outcomes and operations are union types, reasons are the error codes the ingest
// API answers (or its own status). Bounding at this one record site rather than wrapping every
// instrument keeps a second attribute hash off the ingest hot path for label sets closed anyway.
import { type Attributes, metrics as apiMetrics } from '@opentelemetry/api';
import { queueNames, type QueueName, type QueueStats } from '../queue/durable-queue.ts';
import type { GaugeDescriptor, GaugeReading } from './gauge-producer.ts';
import type { Metrics } from './metrics.ts';
import { maxSeries } from './http-server-producer.ts';

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export type DeliveryOutcomeKind = 'delivered' | 'retry' | 'dead';

export interface PipelineMetrics {
  eventsAccepted(count: number, duplicates: number): void;
  ingestRejected(reason: string): void;
  authFailure(reason: 'unauthorized' | 'forbidden'): void;
  enqueued(queue: QueueName, count: number): void;
  claimed(queue: QueueName, count: number): void;
  acked(queue: QueueName, count: number): void;
  retried(queue: QueueName, count: number): void;
  deadLettered(queue: QueueName, count: number): void;
  cycle(queue: QueueName, seconds: number, outcome: 'ok' | 'error'): void;
  ingestionLatency(seconds: number): void;
  deliveryLatency(seconds: number): void;
  deliveryAttempt(outcome: DeliveryOutcomeKind): void;
  httpClient(seconds: number, attributes: { serverAddress: string; statusCode: number | null; errorType: string | null }): void;
  /**
   * Publishes queue depth, oldest-item age, in flight and dead-lettered, read when collected; left out
   * of a collection the read failed or was late for (gauge-producer.ts).
   */
  observeQueues(stats: (queue: QueueName) => Promise<QueueStats>): void;
}

const statsCacheMs = 2_000;

const queueGauges = {
  depth: { name: 'lumetry.queue.depth', unit: '{item}', description: 'Items waiting or in flight, by lumetry.queue.' },
  oldest: { name: 'lumetry.queue.oldest_age', unit: 's', description: 'Age of the oldest item not dead-lettered (since its event was accepted), by lumetry.queue.' },
  inFlight: { name: 'lumetry.queue.in_flight', unit: '{item}', description: 'Items claimed under a live lease, by lumetry.queue.' },
  dead: { name: 'lumetry.queue.dead_lettered', unit: '{item}', description: 'Items parked as dead letters, by lumetry.queue.' },
} satisfies Record<string, GaugeDescriptor>;

const overflowAttributes: Attributes = Object.freeze({ 'otel.metric.overflow': true });

/** The label sets a record site may hand an instrument: the first `limit` distinct keys, then overflow. */
function seriesBound(limit: number): (key: string, attributes: () => Attributes) => Attributes {
  const kept = new Set<string>();
  return (key, attributes) => {
    if (!kept.has(key)) {
      if (kept.size >= limit) return overflowAttributes;
      kept.add(key);
    }
    return attributes();
  };
}

export function pipelineMetrics({ meter, readGauges: gauges }: Pick<Metrics, 'meter' | 'readGauges'>): PipelineMetrics {
  const events = meter.createCounter('lumetry.events', { unit: '{event}', description: 'Events taken in by ingest-api, by lumetry.outcome (accepted, duplicate).' });
  const rejected = meter.createCounter('lumetry.ingest.rejected', { unit: '{request}', description: 'Ingest requests refused, by lumetry.reason (the error code answered).' });
  const auth = meter.createCounter('lumetry.auth.failures', { unit: '{request}', description: 'Requests refused for their API key, by lumetry.reason.' });
  const queueFlow = meter.createCounter('lumetry.queue.items', { unit: '{item}', description: 'Queue item transitions, by lumetry.queue and lumetry.operation (enqueued, claimed, acked, retried, dead_lettered).' });
  const cycles = meter.createHistogram('lumetry.worker.cycle.duration', { unit: 's', description: 'Duration of worker processing cycles, by lumetry.queue and lumetry.outcome.', advice: { explicitBucketBoundaries: latencyBuckets } });
  const ingestion = meter.createHistogram('lumetry.ingestion.latency', { unit: 's', description: 'From acceptance by ingest-api to processing (fan-out) by the worker.', advice: { explicitBucketBoundaries: latencyBuckets } });
  const delivery = meter.createHistogram('lumetry.delivery.latency', { unit: 's', description: 'From acceptance by ingest-api to a successful delivery.', advice: { explicitBucketBoundaries: latencyBuckets } });
  const attempts = meter.createCounter('lumetry.delivery.attempts', { unit: '{attempt}', description: 'Delivery attempts, by lumetry.outcome (delivered, retry, dead).' });
  const client = meter.createHistogram('http.client.request.duration', { unit: 's', description: 'Duration of outbound HTTP requests (deliveries).', advice: { explicitBucketBoundaries: latencyBuckets } });
  const clientSeries = seriesBound(maxSeries);
  const flow = (operation: string) => (queue: QueueName, count: number) => {
    if (count > 0) queueFlow.add(count, { 'lumetry.queue': queue, 'lumetry.operation': operation });
  };
  return {
    eventsAccepted: (count, duplicates) => {
      if (count > 0) events.add(count, { 'lumetry.outcome': 'accepted' });
      if (duplicates > 0) events.add(duplicates, { 'lumetry.outcome': 'duplicate' });
    },
    ingestRejected: (reason) => rejected.add(1, { 'lumetry.reason': reason }),
    authFailure: (reason) => auth.add(1, { 'lumetry.reason': reason }),
    enqueued: flow('enqueued'),
    claimed: flow('claimed'),
    acked: flow('acked'),
    retried: flow('retried'),
    deadLettered: flow('dead_lettered'),
    cycle: (queue, seconds, outcome) => cycles.record(seconds, { 'lumetry.queue': queue, 'lumetry.outcome': outcome }),
    ingestionLatency: (seconds) => ingestion.record(seconds),
    deliveryLatency: (seconds) => delivery.record(seconds),
    deliveryAttempt: (outcome) => attempts.add(1, { 'lumetry.outcome': outcome }),
    httpClient: (seconds, a) =>
      client.record(
        seconds,
        clientSeries(JSON.stringify([a.serverAddress, a.statusCode, a.errorType]), () => ({
          'http.request.method': 'POST',
          'server.address': a.serverAddress,
          ...(a.statusCode === null ? {} : { 'http.response.status_code': a.statusCode }),
          ...(a.errorType === null ? {} : { 'error.type': a.errorType }),
        })),
      ),
    observeQueues: (stats) => {
      if (gauges === undefined) return; // metrics off: nothing would read them
      // One read at a time: while the database is slow, scrapes share the read still under way
      // (and are answered without these gauges) instead of queueing more behind it.
      let cached: { at: number; value: Promise<QueueStats[]>; done: boolean } | undefined;
      const read = () => {
        if (!cached || (cached.done && performance.now() - cached.at > statsCacheMs)) {
          const value = Promise.all(queueNames.map(stats));
          const entry = { at: performance.now(), value, done: false };
          value.then(
            () => void (entry.done = true),
            () => void (entry.done = true),
          );
          cached = entry;
        }
        return cached.value;
      };
      gauges.add(async () =>
        (await read()).flatMap((stats, i): GaugeReading[] => {
          const attributes = { 'lumetry.queue': queueNames[i]! };
          return [
            { gauge: queueGauges.depth, value: stats.depth, attributes },
            { gauge: queueGauges.oldest, value: stats.oldestAgeMs / 1000, attributes },
            { gauge: queueGauges.inFlight, value: stats.inFlight, attributes },
            { gauge: queueGauges.dead, value: stats.deadLettered, attributes },
          ];
        }),
      );
    },
  };
}

/** Instruments that record nothing, for code run without a metrics pipeline (tests of one part). */
export function noopPipelineMetrics(): PipelineMetrics {
  return pipelineMetrics({ meter: apiMetrics.getMeterProvider().getMeter('lumetry'), readGauges: undefined });
}
