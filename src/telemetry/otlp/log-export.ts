// Logs on: every event the ECS logger writes is also emitted as an OpenTelemetry log record (same
// message, level and fields, time and trace context of when it happened: the active span, or the
// span a deferred event was given) through a bounded queue. Request events, one per request, are
// our own records encoded by us (request-log-records.ts); the rest are SDK log records.
import { type AttributeValue, context, ROOT_CONTEXT, SeverityNumber, trace } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor, LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { LogLevel } from '../../config/config.ts';
import type { OtlpExport, TelemetryConfig } from '../../config/telemetry-config.ts';
import { type EventFields, type Fields, type LogSink, Serialized } from '../logger.ts';
import { ServerSpanContext } from '../span-ids.ts';
import { forEachAttribute } from './common-encoding.ts';
import { type ExportReport, accounted, queueGate } from './export-report.ts';
import { logRecordExporter, type OtlpExporter, otlpExporter } from './exporters.ts';
import { ProtobufWriter } from './protobuf-writer.ts';
import { encodeRequestLogRecords, type RequestLogRecord } from './request-log-records.ts';

export interface LogExport {
  readonly sink: LogSink;
  shutdown(): Promise<void>;
}

const severity: Record<LogLevel, SeverityNumber> = { debug: SeverityNumber.DEBUG, info: SeverityNumber.INFO, warn: SeverityNumber.WARN, error: SeverityNumber.ERROR };

export async function startLogExport(settings: OtlpExport, config: TelemetryConfig, resource: Resource, report: ExportReport): Promise<LogExport> {
  const provider = new LoggerProvider({ resource, processors: [await boundedProcessor(await logRecordExporter(settings), settings, config, report)] });
  const logger = provider.getLogger('lumetry');
  const writer = new ProtobufWriter();
  // The batch processor passes on whatever it was given: here, only request event records.
  const encoded = await otlpExporter(settings, 'logs', (records: RequestLogRecord[]) => encodeRequestLogRecords(records, resource, writer));
  const requestEvents = await boundedProcessor(encoded as unknown as OtlpExporter<ReadableLogRecord[], LogRecordExporter>, settings, config, report);
  return {
    sink: (level, message, fields, bindings, happened) => {
      const at = happened?.at ?? Date.now();
      if (fields instanceof Serialized) {
        const span = happened ? happened.span : trace.getSpanContext(context.active());
        const record: RequestLogRecord = {
          at,
          severityNumber: severity[level],
          severityText: level.toUpperCase(),
          body: message,
          bindings,
          fields,
          // A server span's context is valid as made (checking it would make its ids' strings).
          span: span instanceof ServerSpanContext || (span && trace.isSpanContextValid(span)) ? span : undefined,
          resource,
        };
        requestEvents.onEmit(record as never);
        return;
      }
      const active = happened ? (happened.span ? trace.setSpanContext(ROOT_CONTEXT, happened.span) : ROOT_CONTEXT) : context.active();
      logger.emit({ timestamp: at, severityNumber: severity[level], severityText: level.toUpperCase(), body: message, attributes: attributesOf(bindings, fields), context: active });
    },
    shutdown: async () => {
      await Promise.allSettled([provider.shutdown(), requestEvents.shutdown()]);
    },
  };
}

/** A batch processor behind an admission gate, its exporter counted: every lost record is in the drop counter. */
async function boundedProcessor(recordExporter: OtlpExporter<ReadableLogRecord[], LogRecordExporter>, settings: OtlpExport, config: TelemetryConfig, report: ExportReport): Promise<LogRecordProcessor> {
  const { maxQueueSize, maxBatchSize, delayMs } = config.logRecords;
  const gate = queueGate(maxQueueSize, () => report.dropped('logs', 'queue_full', 1));
  const exporter = accounted(recordExporter, 'logs', report, (records: readonly unknown[]) => records.length, gate.release);
  const batch = new BatchLogRecordProcessor({ exporter, maxQueueSize: maxQueueSize + maxBatchSize, maxExportBatchSize: maxBatchSize, scheduledDelayMillis: delayMs, exportTimeoutMillis: settings.timeoutMs + 1_000 });
  return {
    onEmit: (record) => {
      if (gate.admit()) batch.onEmit(record);
    },
    forceFlush: () => batch.forceFlush(),
    shutdown: () => batch.shutdown(),
  };
}

/**
 * ECS fields as dotted attribute keys; nested objects flattened, arrays of scalars kept as strings.
 * An error is given as the semantic conventions' exception attributes, which backends show as the
 * record's exception: ECS's `error.message` and `error.stack_trace` become `exception.message` and
 * `exception.stacktrace`, and `error.type` (a convention attribute too) is also `exception.type`.
 */
function attributesOf(bindings: Fields, fields: EventFields | undefined): Record<string, AttributeValue> {
  const into: Record<string, AttributeValue> = {};
  forEachAttribute(bindings, fields, (name, value) => {
    const exception = exceptionNames[name];
    if (exception !== undefined) into[exception] = value;
    if (exception === undefined || name === 'error.type') into[name] = value;
  });
  return into;
}

const exceptionNames: Record<string, string> = { 'error.type': 'exception.type', 'error.message': 'exception.message', 'error.stack_trace': 'exception.stacktrace' };
