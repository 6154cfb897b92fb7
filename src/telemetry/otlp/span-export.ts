// Traces on: a TracerProvider with the configured sampler whose finished spans go through a bounded
// queue to the OTLP exporter; server spans, one per request, are lighter records encoded by us
// (server-spans.ts) through a queue of their own; and an AsyncLocalStorage context manager so the
// active span follows each request and job across awaits (storage spans and log lines find their
// parent that way).
import { context, SpanKind, TraceFlags, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { Resource } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, type ReadableSpan, type Sampler, type SpanExporter, type SpanProcessor, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { OtlpExport, TelemetryConfig } from '../../config/telemetry-config.ts';
import { type ExportReport, accounted, queueGate } from './export-report.ts';
import { type OtlpExporter, otlpExporter, spanExporter } from './exporters.ts';
import { ProtobufWriter } from './protobuf-writer.ts';
import { encodeServerSpans, type ServerSpanRecord, withServerSpans } from './server-spans.ts';

export interface SpanExport {
  readonly tracer: Tracer;
  shutdown(): Promise<void>;
}

export async function startSpanExport(settings: OtlpExport, config: TelemetryConfig, resource: Resource, report: ExportReport): Promise<SpanExport> {
  const { sampler: rootSampler, readsTraceId } = sampler(config.sampler);
  const sdkSpans = await boundedProcessor(await spanExporter(settings), settings, config, report);
  const writer = new ProtobufWriter();
  // The batch processor passes on whatever it was given: here, only server span records.
  const encoded = await otlpExporter(settings, 'traces', (records: ServerSpanRecord[]) => encodeServerSpans(records, resource, writer));
  const serverSpans = await boundedProcessor(encoded as unknown as OtlpExporter<ReadableSpan[], SpanExporter>, settings, config, report);
  const provider = new TracerProvider({ resource, sampler: rootSampler, spanProcessors: [sdkSpans] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  return {
    tracer: withServerSpans(provider.getTracer('lumetry'), rootSampler, readsTraceId, resource, (record) => serverSpans.onEnd(record as never), SpanKind.SERVER),
    shutdown: async () => {
      await Promise.allSettled([provider.shutdown(), serverSpans.shutdown()]);
      context.disable();
    },
  };
}

/** A batch processor behind an admission gate, its exporter counted: every lost span is in the drop counter. */
async function boundedProcessor(spanExporter: OtlpExporter<ReadableSpan[], SpanExporter>, settings: OtlpExport, config: TelemetryConfig, report: ExportReport): Promise<SpanProcessor> {
  const { maxQueueSize, maxBatchSize, delayMs } = config.spans;
  const gate = queueGate(maxQueueSize, () => report.dropped('traces', 'queue_full', 1));
  const exporter = accounted(spanExporter, 'traces', report, (spans: readonly unknown[]) => spans.length, gate.release);
  const batch = new BatchSpanProcessor({
    exporter,
    // The gate bounds the queue; the processor's own limit is never reached, so every drop is counted.
    maxQueueSize: maxQueueSize + maxBatchSize,
    maxExportBatchSize: maxBatchSize,
    scheduledDelayMillis: delayMs,
    exportTimeoutMillis: settings.timeoutMs + 1_000,
  });
  return {
    onStart: (span, parent) => batch.onStart(span, parent),
    // Only sampled spans are exported (the batch processor ignores the rest), so only they take room.
    onEnd: (span) => {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0 && gate.admit()) batch.onEnd(span);
    },
    forceFlush: () => batch.forceFlush(),
    shutdown: () => batch.shutdown(),
  };
}

/** The configured sampler, and whether it reads the trace id: only the ratio sampler does. */
function sampler({ name, ratio }: TelemetryConfig['sampler']): { sampler: Sampler; readsTraceId: boolean } {
  const root = name.endsWith('always_off') ? new AlwaysOffSampler() : name.endsWith('always_on') ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio);
  return { sampler: name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root, readsTraceId: root instanceof TraceIdRatioBasedSampler };
}
