// Request events as OTLP log records without the SDK's log-record machinery, for the same reason
// as server spans (server-spans.ts): one per request, and the SDK's record costs more to build and
// serialise than the request. Other events (far rarer) stay SDK log records.
import type { AttributeValue, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { EventFields, Fields } from '../logger.ts';
import { ServerSpanContext } from '../span-ids.ts';
import { exportRequest, forEachAttribute, keyValue } from './common-encoding.ts';
import type { ProtobufWriter } from './protobuf-writer.ts';

export interface RequestLogRecord {
  /** Whole milliseconds since the epoch. */
  readonly at: number;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: string;
  /** The logger's bindings and the event's fields: attributes under their dotted names, visited as they are encoded. */
  readonly bindings: Fields;
  readonly fields: EventFields;
  /** The span active when the event was written, if any. */
  readonly span: SpanContext | undefined;
  /** What the batch processor asks of a record. */
  readonly resource: Resource;
}

// Field numbers: opentelemetry/proto/logs/v1/logs.proto
/** An OTLP ExportLogsServiceRequest holding `records`, as protobuf. */
export function encodeRequestLogRecords(records: readonly RequestLogRecord[], resource: Resource, writer: ProtobufWriter): Uint8Array {
  const attribute = (name: string, value: AttributeValue) => keyValue(writer, 6, name, value);
  return exportRequest(writer, resource, () => {
    for (const record of records) {
      writer.begin(2);
      writer.nanos(1, record.at, 0);
      writer.uint(2, record.severityNumber);
      writer.string(3, record.severityText);
      writer.stringMessage(5, 1, record.body);
      forEachAttribute(record.bindings, record.fields, attribute);
      const span = record.span;
      if (span) writer.fixed32(8, span.traceFlags & 0xff);
      if (span instanceof ServerSpanContext) {
        writer.id128(9, span.trace0, span.trace1, span.trace2, span.trace3);
        writer.id64(10, span.span0, span.span1);
      } else if (span) {
        writer.hex(9, span.traceId);
        writer.hex(10, span.spanId);
      }
      writer.nanos(11, record.at, 0);
      writer.end();
    }
  });
}
