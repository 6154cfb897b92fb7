// A protocol buffers wire-format reader, enough to decode OTLP requests in the test receiver without
// generated code: a message is read as its fields by number, and the OTLP helpers name them.
// https://protobuf.dev/programming-guides/encoding/

export type WireValue = bigint | Uint8Array;
export type Message = Map<number, WireValue[]>;

export function readMessage(bytes: Uint8Array): Message {
  const fields: Message = new Map();
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = bytes[at++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const number = key >>> 3;
    let value: WireValue;
    switch (key & 7) {
      case 0:
        value = varint();
        break;
      case 1:
        value = bytes.subarray(at, (at += 8));
        break;
      case 2: {
        const length = Number(varint());
        value = bytes.subarray(at, (at += length));
        break;
      }
      case 5:
        value = bytes.subarray(at, (at += 4));
        break;
      default:
        throw new Error(`unsupported wire type ${key & 7}`);
    }
    if (at > bytes.length) throw new Error('truncated field');
    fields.set(number, [...(fields.get(number) ?? []), value]);
  }
  return fields;
}

export function messages(message: Message, field: number): Message[] {
  return (message.get(field) ?? []).map((value) => readMessage(value as Uint8Array));
}

export function text(message: Message, field: number): string {
  const value = message.get(field)?.[0];
  return value instanceof Uint8Array ? new TextDecoder().decode(value) : '';
}

export function hex(message: Message, field: number): string {
  const value = message.get(field)?.[0];
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : '';
}

export function integer(message: Message, field: number): number {
  const value = message.get(field)?.[0];
  return typeof value === 'bigint' ? Number(value) : 0;
}

/** A fixed64 field (times in OTLP) as an unsigned integer. */
export function fixed64(message: Message, field: number): bigint {
  const value = message.get(field)?.[0];
  return value instanceof Uint8Array && value.length === 8 ? Buffer.from(value).readBigUInt64LE() : 0n;
}
