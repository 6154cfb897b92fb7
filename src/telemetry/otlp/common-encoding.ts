// The OTLP messages every signal shares (opentelemetry/proto/common/v1/common.proto and the
// resource): attributes as KeyValue/AnyValue, and the envelope of an export request.
import type { AttributeValue } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { type EventFields, type Fields, forEachField } from '../logger.ts';
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
  const memo = memoKey(value);
  const known = memo === undefined ? undefined : encodedPairs.get(key, memo);
  if (known !== undefined) return writer.bytes(field, known);
  const start = writer.mark;
  if (typeof value === 'string' || (typeof value === 'number' && memo === value)) {
    // Most attributes: sizes known up front, nothing written twice.
    writer.lengthDelimited(field, plainPairLength(key, value));
    writer.string(1, key);
    if (typeof value === 'string') writer.stringMessage(2, 1, value);
    else {
      writer.lengthDelimited(2, 1 + varintLength(value));
      writer.uint(3, value);
    }
  } else {
    writer.begin(field);
    writer.string(1, key);
    writer.begin(2);
    anyValue(writer, value);
    writer.end();
    writer.end();
  }
  if (memo !== undefined) encodedPairs.keep(key, memo, writer, start);
}

/**
 * What a value's encoding is kept under: a string or a non-negative whole number itself, and ECS's
 * one-item lists (event.category ["web"]) as their item after a NUL, apart from the plain string.
 */
function memoKey(value: AttributeValue): string | number | undefined {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return `\0${value[0]}`;
  return undefined;
}

/** A length-delimited field's content: past its tag and its length, two varints. */
function content(field: Uint8Array): Uint8Array {
  let offset = 0;
  while (field[offset++]! & 0x80);
  while (field[offset++]! & 0x80);
  return field.subarray(offset);
}

/** The KeyValue's length for a string or a non-negative whole number: known up front, nothing written twice. */
function plainPairLength(key: string, value: string | number): number {
  const keyBytes = utf8Length(key);
  const valueBytes = typeof value === 'string' ? utf8Length(value) : varintLength(value);
  const any = 1 + (typeof value === 'string' ? varintLength(valueBytes) : 0) + valueBytes;
  return 1 + varintLength(keyBytes) + keyBytes + 1 + varintLength(any) + any;
}

/**
 * Encoded KeyValue messages of the attribute values seen before. Most of a request's attributes
 * repeat on every request (method, route, scheme, status, client, user agent), and copying their
 * bytes costs far less than encoding them. Bounded: at most `perKey` values of a key and `keys`
 * keys; a key that has had more values (ids, durations) is no longer kept at all.
 */
class EncodedPairs {
  readonly #byKey = new Map<string, Map<string | number, Uint8Array> | null>();
  readonly #keys: number;
  readonly #perKey: number;

  constructor(keys: number, perKey: number) {
    this.#keys = keys;
    this.#perKey = perKey;
  }

  get(key: string, value: string | number): Uint8Array | undefined {
    return this.#byKey.get(key)?.get(value);
  }

  /** Keeps the KeyValue `writer` wrote from `start` on (its tag and length included), if there is room. */
  keep(key: string, value: string | number, writer: ProtobufWriter, start: number): void {
    let values = this.#byKey.get(key);
    if (values === null) return;
    if (values === undefined) {
      if (this.#byKey.size >= this.#keys) return;
      values = new Map();
      this.#byKey.set(key, values);
    }
    if (values.size >= this.#perKey) this.#byKey.set(key, null);
    else values.set(value, content(writer.since(start)));
  }
}

const encodedPairs = new EncodedPairs(256, 256);

/**
 * A logger's bindings and an event's fields as log-record attributes, under their dotted names:
 * scalars kept, arrays as strings, anything else left out.
 */
export function forEachAttribute(bindings: Fields, fields: EventFields | undefined, visit: (name: string, value: AttributeValue) => void): void {
  const keep = (name: string, value: unknown) => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') visit(name, value);
    else if (Array.isArray(value)) visit(name, value.every((item) => typeof item === 'string') ? (value as string[]) : value.map(String));
  };
  forEachField(bindings, keep);
  if (fields !== undefined) forEachField(fields, keep);
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
