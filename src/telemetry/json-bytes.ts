// Log lines encoded straight into UTF-8 bytes, the way zerolog and zap do: a line is written piece by
// piece into one growing buffer, never assembled as a JavaScript string first. Building a line from
// string pieces made a few dozen short-lived strings per request event, and over sockets that cost
// more of the core than all the rest of the event (docs/performance.md). Constant pieces are encoded
// once (`fragment`); text from outside is quoted and escaped as JSON on the way in.

/** The buffer went past its limit; the line being written is given up. */
export class LineTooLong extends Error {}

const encoder = new TextEncoder();

/** A constant piece of a line, encoded once. */
export function fragment(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * JSON.stringify's text with U+2028 and U+2029 escaped too. JSON may hold them as they are, but
 * line readers such as node:readline end a line at them, and a client can put them in a request's
 * path or headers: one event would reach a log shipper as broken pieces.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (separator) => (separator === '\u2028' ? '\\u2028' : '\\u2029'));
}

const digits = new Uint8Array(20);
const hexDigits = fragment('0123456789abcdef');

export class JsonBytes {
  #buffer: Buffer;
  #limit: number;
  at = 0;

  /** `limit`: the most bytes it holds; writing past it throws `LineTooLong`. */
  constructor(capacity: number, limit: number) {
    this.#buffer = Buffer.allocUnsafeSlow(Math.min(capacity, limit));
    this.#limit = limit;
  }

  /** Bytes it holds without growing. */
  get capacity(): number {
    return this.#buffer.length;
  }

  /** What has been written, as bytes of this buffer (not a copy). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.at);
  }

  toString(): string {
    return this.#buffer.toString('utf8', 0, this.at);
  }

  raw(piece: Uint8Array): void {
    const length = piece.length;
    this.#room(length);
    const buffer = this.#buffer;
    let at = this.at;
    // A short piece is copied in a loop: on Bun the call to native `set` costs more than the bytes.
    if (length > 24) buffer.set(piece, at);
    else for (let i = 0; i < length; i++) buffer[at + i] = piece[i]!;
    this.at = at + length;
  }

  byte(value: number): void {
    this.#room(1);
    this.#buffer[this.at++] = value;
  }

  /** Text written as it is, in UTF-8: JSON made elsewhere, or a text-format line. */
  text(value: string): void {
    // At most 3 bytes a UTF-16 unit; counted exactly only where that bound would not fit.
    const most = value.length * 3;
    this.#room(this.at + most > this.#limit ? Buffer.byteLength(value) : most);
    this.at += this.#buffer.write(value, this.at);
  }

  /** A JSON string: quoted, and escaped where it needs to be. */
  string(value: string): void {
    this.byte(0x22);
    this.chars(value);
    this.byte(0x22);
  }

  /** The inside of a JSON string, escaped (for a string made of several parts). */
  chars(value: string): void {
    const length = value.length;
    this.#room(length);
    const buffer = this.#buffer;
    let at = this.at;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      // Printable ASCII but the quote and the backslash goes as it is; anything else is jsonText's.
      if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return this.text(jsonText(value).slice(1, -1));
      buffer[at++] = code;
    }
    this.at = at;
  }

  /** A 32-bit word as eight lowercase hexadecimal digits (a part of a trace or span id). */
  hexWord(value: number): void {
    this.#room(8);
    const buffer = this.#buffer;
    const at = this.at;
    for (let i = 0; i < 8; i++) buffer[at + i] = hexDigits[(value >>> (28 - 4 * i)) & 0xf]!;
    this.at = at + 8;
  }

  /** A number as JSON writes it; whole non-negative numbers without a string in between. */
  number(value: number): void {
    if (!(value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value))) return this.text(JSON.stringify(value));
    let count = 0;
    do {
      digits[count++] = 0x30 + (value % 10);
      value = Math.floor(value / 10);
    } while (value > 0);
    this.#room(count);
    const buffer = this.#buffer;
    while (count > 0) buffer[this.at++] = digits[--count]!;
  }

  #room(more: number): void {
    const needed = this.at + more;
    if (needed <= this.#buffer.length) return;
    if (needed > this.#limit) throw new LineTooLong();
    const grown = Buffer.allocUnsafeSlow(Math.min(this.#limit, Math.max(needed, this.#buffer.length * 2)));
    this.#buffer.copy(grown, 0, 0, this.at);
    this.#buffer = grown;
  }
}
