// Logs on: every event the ECS logger writes is also emitted as an OpenTelemetry log record (same
// message, level and fields, trace context from the active span) through a bounded queue.
import { type AttributeValue, context, SeverityNumber } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, type LogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogLevel } from '../../config/config.ts';
import type { OtlpExport, TelemetryConfig } from '../../config/telemetry-config.ts';
import { type EventFields, type Fields, forEachField, type LogSink } from '../logger.ts';
import { type ExportReport, accounted, queueGate } from './export-report.ts';
import { logRecordExporter } from './exporters.ts';

export interface LogExport {
  readonly sink: LogSink;
  shutdown(): Promise<void>;
}

const severity: Record<LogLevel, SeverityNumber> = { debug: SeverityNumber.DEBUG, info: SeverityNumber.INFO, warn: SeverityNumber.WARN, error: SeverityNumber.ERROR };

export async function startLogExport(settings: OtlpExport, config: TelemetryConfig, resource: Resource, report: ExportReport): Promise<LogExport> {
  const { maxQueueSize, maxBatchSize, delayMs } = config.logRecords;
  const gate = queueGate(maxQueueSize, () => report.dropped('logs', 'queue_full', 1));
  const exporter = accounted(await logRecordExporter(settings), 'logs', report, (records: readonly unknown[]) => records.length, gate.release);
  const batch = new BatchLogRecordProcessor({ exporter, maxQueueSize: maxQueueSize + maxBatchSize, maxExportBatchSize: maxBatchSize, scheduledDelayMillis: delayMs, exportTimeoutMillis: settings.timeoutMs + 1_000 });
  const processor: LogRecordProcessor = {
    onEmit: (record) => {
      if (gate.admit()) batch.onEmit(record);
    },
    forceFlush: () => batch.forceFlush(),
    shutdown: () => batch.shutdown(),
  };
  const provider = new LoggerProvider({ resource, processors: [processor] });
  const logger = provider.getLogger('lumetry');
  return {
    sink: (level, message, fields, bindings) =>
      logger.emit({
        timestamp: Date.now(),
        severityNumber: severity[level],
        severityText: level.toUpperCase(),
        body: message,
        attributes: attributesOf(bindings, fields),
        context: context.active(),
      }),
    shutdown: () => provider.shutdown(),
  };
}

/** ECS fields as dotted attribute keys; nested objects flattened, arrays of scalars kept. */
function attributesOf(bindings: Fields, fields: EventFields | undefined): Record<string, AttributeValue> {
  const into: Record<string, AttributeValue> = {};
  const keep = (name: string, value: unknown) => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') into[name] = value;
    else if (Array.isArray(value)) into[name] = value.map(String);
  };
  forEachField(bindings, keep);
  if (fields !== undefined) forEachField(fields, keep);
  return into;
}
