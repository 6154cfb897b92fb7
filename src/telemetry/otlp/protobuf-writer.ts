// The protobuf wire format, as much of it as OTLP span encoding needs: varints, fixed-width
// numbers, strings, bytes and nested messages. A nested message reserves five bytes for its length
// and moves its content back once the length is known. Members are TypeScript-private rather than
// `#`-private: JavaScriptCore calls `#` methods markedly slower (2.5 against 4.2 µs a span here).
// https://protobuf.dev/programming-guides/encoding/
import { nibbles } from '../span-ids.ts';

const encoder = new TextEncoder();

export function varintLength(value: number): number {
  let bytes = 1;
  for (let rest = value; rest > 0x7f; rest = Math.floor(rest / 0x80)) bytes++;
  return bytes;
}

/** UTF-8 length; for ASCII, the string's own length without encoding it. */
export function utf8Length(value: string): number {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return encoder.encode(value).length;
  return value.length;
}

export class ProtobufWriter {
  private buffer = new Uint8Array(64 * 1024);
  private view = new DataView(this.buffer.buffer);
  private position = 0;
  private readonly open: number[] = [];

  private reserve(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.position + bytes));
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  private varint(value: number): void {
    this.reserve(10);
    const buffer = this.buffer;
    let position = this.position;
    let rest = value;
    while (rest > 0x7f) {
      buffer[position++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    buffer[position++] = rest;
    this.position = position;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** A non-negative integer below 2^53. */
  uint(field: number, value: number): void {
    this.tag(field, 0);
    this.varint(value);
  }

  /** A whole number as int64: a negative one in two's complement, ten bytes. */
  int(field: number, value: number): void {
    if (value >= 0 && Number.isSafeInteger(value)) return this.uint(field, value);
    this.tag(field, 0);
    this.reserve(10);
    let rest = BigInt.asUintN(64, BigInt(value));
    while (rest > 0x7fn) {
      this.buffer[this.position++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buffer[this.position++] = Number(rest);
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, 2);
    this.varint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.position);
    this.position += value.length;
  }

  bool(field: number, value: boolean): void {
    this.uint(field, value ? 1 : 0);
  }

  double(field: number, value: number): void {
    const at = this.fixed(field, 1, 8);
    this.view.setFloat64(at, value, true);
  }

  fixed32(field: number, value: number): void {
    const at = this.fixed(field, 5, 4);
    this.view.setUint32(at, value, true);
  }

  /**
   * A time as fixed64 nanoseconds since the epoch: `ms` (whole milliseconds since the epoch, as
   * Date.now gives) and `nanos` more (whole, under 2^52). Worked out in two 32-bit halves, every
   * step exact in a double, with no BigInt made per span or record.
   */
  nanos(field: number, ms: number, nanos: number): void {
    const at = this.fixed(field, 1, 8);
    const low = (ms % 0x1_0000_0000) * 1_000_000 + (nanos % 0x1_0000_0000);
    const high = Math.floor(ms / 0x1_0000_0000) * 1_000_000 + Math.floor(nanos / 0x1_0000_0000) + Math.floor(low / 0x1_0000_0000);
    this.view.setUint32(at, low % 0x1_0000_0000, true);
    this.view.setUint32(at + 4, high, true);
  }

  /**
   * The tag of a fixed-width field and room for its `bytes`: where they go (little-endian). The
   * caller reads `view` after this call, since making room can replace it.
   */
  private fixed(field: number, wireType: number, bytes: number): number {
    this.tag(field, wireType);
    this.reserve(bytes);
    const at = this.position;
    this.position += bytes;
    return at;
  }

  string(field: number, value: string): void {
    this.tag(field, 2);
    this.stringBody(value, utf8Length(value));
  }

  /** A string's length and bytes, its UTF-8 length known (`utf8Length`). */
  private stringBody(value: string, length: number): void {
    this.varint(length);
    this.reserve(length);
    if (length === value.length) {
      const buffer = this.buffer;
      const start = this.position;
      for (let i = 0; i < length; i++) buffer[start + i] = value.charCodeAt(i);
      this.position = start + length;
    } else this.position += encoder.encodeInto(value, this.buffer.subarray(this.position)).written;
  }

  /** A message holding one string field (`inner`): KeyValue keys and AnyValue strings. */
  stringMessage(field: number, inner: number, value: string): void {
    const length = utf8Length(value);
    this.tag(field, 2);
    this.varint(1 + varintLength(length) + length);
    this.tag(inner, 2);
    this.stringBody(value, length);
  }

  /** Bytes given as hexadecimal (trace and span ids), read through a table: several times faster than arithmetic per digit. */
  hex(field: number, value: string): void {
    const length = value.length >>> 1;
    this.tag(field, 2);
    this.varint(length);
    this.reserve(length);
    const buffer = this.buffer;
    const start = this.position;
    for (let i = 0; i < length; i++) buffer[start + i] = (nibbles[value.charCodeAt(2 * i)]! << 4) | nibbles[value.charCodeAt(2 * i + 1)]!;
    this.position = start + length;
  }

  /** A trace id given as four 32-bit words, most significant first (ServerSpanContext). */
  id128(field: number, a: number, b: number, c: number, d: number): void {
    this.tag(field, 2);
    this.reserve(17);
    this.buffer[this.position++] = 16;
    this.word(a);
    this.word(b);
    this.word(c);
    this.word(d);
  }

  /** A span id given as two 32-bit words, most significant first. */
  id64(field: number, a: number, b: number): void {
    this.tag(field, 2);
    this.reserve(9);
    this.buffer[this.position++] = 8;
    this.word(a);
    this.word(b);
  }

  /** Four bytes, most significant first; room already made. */
  private word(value: number): void {
    const buffer = this.buffer;
    const at = this.position;
    buffer[at] = value >>> 24;
    buffer[at + 1] = value >>> 16;
    buffer[at + 2] = value >>> 8;
    buffer[at + 3] = value;
    this.position = at + 4;
  }

  /** Where the next byte goes (for `since`). */
  get mark(): number {
    return this.position;
  }

  /** A copy of the bytes written from `start` (a `mark`) to now. */
  since(start: number): Uint8Array {
    return this.buffer.slice(start, this.position);
  }

  /** The tag and length of a nested message whose content the caller writes next. */
  lengthDelimited(field: number, length: number): void {
    this.tag(field, 2);
    this.varint(length);
  }

  /** Starts a nested message; `end` closes the innermost one. */
  begin(field: number): void {
    this.tag(field, 2);
    this.reserve(5);
    this.open.push(this.position);
    this.position += 5;
  }

  end(): void {
    this.close(this.open.pop()!);
  }

  /** Writes the length of what follows the five reserved bytes at `start`, then closes the gap. */
  private close(start: number): void {
    const content = start + 5;
    const length = this.position - content;
    const lengthBytes = varintLength(length);
    this.buffer.copyWithin(start + lengthBytes, content, this.position);
    const end = this.position - (5 - lengthBytes);
    this.position = start;
    this.varint(length);
    this.position = end;
  }

  /** Starts over, whatever an earlier encoding left behind. */
  reset(): void {
    this.position = 0;
    this.open.length = 0;
  }

  /** The bytes written so far, copied out; the writer starts over. */
  finish(): Uint8Array {
    const bytes = this.buffer.slice(0, this.position);
    this.position = 0;
    return bytes;
  }
}
