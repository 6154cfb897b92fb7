// The OTLP messages every signal shares (opentelemetry/proto/common/v1/common.proto and the
// resource): attributes as KeyValue/AnyValue, and the envelope of an export request.
import type { AttributeValue } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { type ProtobufWriter, utf8Length, varintLength } from './protobuf-writer.ts';

/**
 * An export request (traces or logs) for one resource and Lumetry's instrumentation scope. Both
 * nest the same way: resource_* (1) → resource (1) and scope_* (2) → scope (1) and the items, which
 * `items` writes as field 2.
 */
export function exportRequest(writer: ProtobufWriter, resource: Resource, items: () => void): Uint8Array {
  writer.reset();
  writer.begin(1);
  writer.begin(1);
  for (const [key, value] of Object.entries(resource.attributes)) if (value !== undefined) keyValue(writer, 1, key, value);
  writer.end();
  writer.begin(2);
  writer.begin(1);
  writer.string(1, 'lumetry');
  writer.end();
  items();
  writer.end();
  writer.end();
  return writer.finish();
}

// opentelemetry/proto/common/v1/common.proto: KeyValue { key = 1; value = 2 }, AnyValue { string 1,
// bool 2, int 3, double 4, array 5 }, ArrayValue { values = 1 }.
export function keyValue(writer: ProtobufWriter, field: number, key: string, value: AttributeValue): void {
  if (typeof value === 'string') {
    // Most attributes: sizes known up front, nothing written twice.
    const keyBytes = utf8Length(key);
    const valueBytes = utf8Length(value);
    const any = 1 + varintLength(valueBytes) + valueBytes;
    writer.lengthDelimited(field, 1 + varintLength(keyBytes) + keyBytes + 1 + varintLength(any) + any);
    writer.string(1, key);
    writer.stringMessage(2, 1, value);
    return;
  }
  writer.begin(field);
  writer.string(1, key);
  writer.begin(2);
  anyValue(writer, value);
  writer.end();
  writer.end();
}

export function anyValue(writer: ProtobufWriter, value: unknown): void {
  if (typeof value === 'string') writer.string(1, value);
  else if (typeof value === 'boolean') writer.bool(2, value);
  else if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) writer.int(3, value);
    else writer.double(4, value);
  } else if (value instanceof Uint8Array) writer.bytes(7, value);
  else if (Array.isArray(value)) {
    writer.begin(5);
    for (const item of value) {
      writer.begin(1);
      if (item !== null && item !== undefined) anyValue(writer, item);
      writer.end();
    }
    writer.end();
  } else if (typeof value === 'object' && value !== null) {
    // KeyValueList { values = 1 }
    writer.begin(6);
    for (const [key, item] of Object.entries(value)) {
      writer.begin(1);
      writer.string(1, key);
      writer.begin(2);
      if (item !== null && item !== undefined) anyValue(writer, item);
      writer.end();
      writer.end();
    }
    writer.end();
  }
}
