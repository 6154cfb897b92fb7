// A server span's context with its ids held as 32-bit numbers, not hexadecimal strings. The API's
// SpanContext carries ids as hex, and the SDK's generator makes them by turning random bytes into a
// string, which the OTLP encoder and the log line then read back digit by digit: about 3% of a
// request's time on Bun with everything on (docs/performance.md). Here the span's own encoding
// (protobuf and the ECS line) writes the numbers, and the strings are made only when something
// asks for them: a child span, an outgoing traceparent, a ratio sampler.
import type { SpanContext, TraceState } from '@opentelemetry/api';

/** Random words, refilled from the system's generator a pool at a time. */
const pool = new Uint32Array(1024);
let taken = pool.length;

function randomWord(): number {
  if (taken === pool.length) {
    crypto.getRandomValues(pool);
    taken = 0;
  }
  return pool[taken++]!;
}

/** The value of each hexadecimal digit by its character code (either case); 0 for any other. */
export const nibbles = new Uint8Array(128);
for (let value = 0; value < 16; value++) {
  const digit = value.toString(16);
  nibbles[digit.charCodeAt(0)] = value;
  nibbles[digit.toUpperCase().charCodeAt(0)] = value;
}

/** Eight hexadecimal digits of `value` from `offset`, as an unsigned 32-bit number. */
function hexWord(value: string, offset: number): number {
  let word = 0;
  for (let i = offset; i < offset + 8; i++) word = word * 16 + nibbles[value.charCodeAt(i)]!;
  return word;
}

function wordHex(word: number): string {
  return word.toString(16).padStart(8, '0');
}

export class ServerSpanContext implements SpanContext {
  /** The trace id, most significant word first. */
  readonly trace0: number;
  readonly trace1: number;
  readonly trace2: number;
  readonly trace3: number;
  /** The span id, most significant word first. */
  readonly span0: number;
  readonly span1: number;
  /** Set once sampled, before anything else sees it. */
  traceFlags = 0;
  traceState: TraceState | undefined = undefined;
  #traceId: string | undefined;
  #spanId: string | undefined = undefined;

  /** A new span id, in the trace `traceId` (a valid one, 32 hexadecimal digits) or in a new trace. */
  constructor(traceId: string | undefined) {
    this.#traceId = traceId;
    if (traceId === undefined) {
      this.trace0 = randomWord();
      this.trace1 = randomWord();
      this.trace2 = randomWord();
      // An id of all zeros is invalid: its last word is never zero (the SDK's generator does alike).
      this.trace3 = randomWord() || 1;
    } else {
      this.trace0 = hexWord(traceId, 0);
      this.trace1 = hexWord(traceId, 8);
      this.trace2 = hexWord(traceId, 16);
      this.trace3 = hexWord(traceId, 24);
    }
    this.span0 = randomWord();
    this.span1 = randomWord() || 1;
  }

  get traceId(): string {
    return (this.#traceId ??= wordHex(this.trace0) + wordHex(this.trace1) + wordHex(this.trace2) + wordHex(this.trace3));
  }

  get spanId(): string {
    return (this.#spanId ??= wordHex(this.span0) + wordHex(this.span1));
  }
}
