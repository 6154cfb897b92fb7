// Traces on: a TracerProvider with the configured sampler whose finished spans go through a bounded
// queue to the OTLP exporter, and an AsyncLocalStorage context manager so the active span follows
// each request and job across awaits (storage spans and log lines find their parent that way).
import { context, TraceFlags, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { Resource } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, type Sampler, type SpanProcessor, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { OtlpExport, TelemetryConfig } from '../../config/telemetry-config.ts';
import { type ExportReport, accounted, queueGate } from './export-report.ts';
import { spanExporter } from './exporters.ts';

export interface SpanExport {
  readonly tracer: Tracer;
  shutdown(): Promise<void>;
}

export async function startSpanExport(settings: OtlpExport, config: TelemetryConfig, resource: Resource, report: ExportReport): Promise<SpanExport> {
  const { maxQueueSize, maxBatchSize, delayMs } = config.spans;
  const gate = queueGate(maxQueueSize, () => report.dropped('traces', 'queue_full', 1));
  const exporter = accounted(await spanExporter(settings), 'traces', report, (spans: readonly unknown[]) => spans.length, gate.release);
  const batch = new BatchSpanProcessor({
    exporter,
    // The gate bounds the queue; the processor's own limit is never reached, so every drop is counted.
    maxQueueSize: maxQueueSize + maxBatchSize,
    maxExportBatchSize: maxBatchSize,
    scheduledDelayMillis: delayMs,
    exportTimeoutMillis: settings.timeoutMs + 1_000,
  });
  const processor: SpanProcessor = {
    onStart: (span, parent) => batch.onStart(span, parent),
    // Only sampled spans are exported (the batch processor ignores the rest), so only they take room.
    onEnd: (span) => {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0 && gate.admit()) batch.onEnd(span);
    },
    forceFlush: () => batch.forceFlush(),
    shutdown: () => batch.shutdown(),
  };
  const provider = new TracerProvider({ resource, sampler: sampler(config.sampler), spanProcessors: [processor] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  return {
    tracer: provider.getTracer('lumetry'),
    shutdown: async () => {
      await provider.shutdown();
      context.disable();
    },
  };
}

function sampler({ name, ratio }: TelemetryConfig['sampler']): Sampler {
  const root = name.endsWith('always_off') ? new AlwaysOffSampler() : name.endsWith('always_on') ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio);
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}
