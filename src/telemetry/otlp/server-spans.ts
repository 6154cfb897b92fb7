// Server spans (one per HTTP request) without the SDK's span machinery: building and ending an SDK
// span costs 8-24 µs and serialising it 5-16 µs, several times a whole request (docs/performance.md).
// A server span here is a small record behind the `Span` interface, sampled by the configured
// sampler, and encoded straight to OTLP protobuf for the SDK's own transport. Child spans (storage,
// queue, outbound calls) are still the SDK's: the record's span context is their parent.
import { type Attributes, type AttributeValue, type Context, type Link, type Span, type SpanContext, type SpanKind, type SpanOptions, SpanStatusCode, type SpanStatus, type Tracer, TraceFlags, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { type Sampler, SamplingDecision } from '@opentelemetry/sdk-trace';
import { ServerSpanContext } from '../span-ids.ts';
import { exportRequest, keyValue } from './common-encoding.ts';
import { ProtobufWriter } from './protobuf-writer.ts';

/** An ended server span, as it is exported. */
export interface ServerSpanRecord {
  readonly context: ServerSpanContext;
  readonly parent: SpanContext | undefined;
  readonly name: string;
  /** Whole milliseconds since the epoch. */
  readonly startMs: number;
  /** Whole nanoseconds from the start to the end. */
  readonly durationNanos: number;
  /** As given when the span started, and as set later (which wins). */
  readonly attributes: Attributes;
  readonly updates: Attributes | undefined;
  readonly status: SpanStatus;
  /** What the batch processor asks of a span. */
  spanContext(): SpanContext;
  readonly resource: Resource;
}

class ServerSpan implements Span {
  readonly #context: ServerSpanContext;
  readonly #parent: SpanContext | undefined;
  // As the SDK does: the wall clock for the start (so spans line up with their SDK children and
  // with log timestamps), the monotonic clock for the duration.
  readonly #startMs = Date.now();
  readonly #started = performance.now();
  /** As given, not copied (the copy was 0.8% of a request on Bun, everything on): never written. */
  readonly #attributes: Attributes;
  /** What was set since: made on the first change. */
  #updates: Attributes | undefined = undefined;
  readonly #onEnd: ((record: ServerSpanRecord) => void) | undefined;
  readonly #resource: Resource;
  #name: string;
  #status: SpanStatus = { code: SpanStatusCode.UNSET };
  #ended = false;

  constructor(context: ServerSpanContext, parent: SpanContext | undefined, name: string, attributes: Attributes, resource: Resource, onEnd: ((record: ServerSpanRecord) => void) | undefined) {
    this.#context = context;
    this.#parent = parent;
    this.#name = name;
    this.#attributes = attributes;
    this.#resource = resource;
    this.#onEnd = onEnd;
  }

  spanContext(): SpanContext {
    return this.#context;
  }

  // Like the SDK's spans: an ended span takes no more changes, and an undefined value changes nothing.
  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (!this.#ended && key !== '' && value !== undefined) (this.#updates ??= {})[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(): this {
    return this;
  }

  addLink(_link: Link): this {
    return this;
  }

  addLinks(_links: Link[]): this {
    return this;
  }

  setStatus(status: SpanStatus): this {
    // An OK status is final; UNSET never replaces another.
    if (!this.#ended && this.#status.code !== SpanStatusCode.OK && status.code !== SpanStatusCode.UNSET) this.#status = status;
    return this;
  }

  updateName(name: string): this {
    if (!this.#ended) this.#name = name;
    return this;
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const context = this.#context;
    const durationNanos = Math.round((performance.now() - this.#started) * 1e6);
    this.#onEnd?.({ context, parent: this.#parent, name: this.#name, startMs: this.#startMs, durationNanos, attributes: this.#attributes, updates: this.#updates, status: this.#status, spanContext: () => context, resource: this.#resource });
  }

  isRecording(): boolean {
    return this.#onEnd !== undefined && !this.#ended;
  }

  recordException(): void {}
}

/**
 * The SDK tracer, except that server spans started with `startSpan` are ServerSpans handed to
 * `onEnd` when they end (when sampled); every other span is the SDK's own. A server span records
 * what a request's span needs (attributes, name, status); events and links are not kept. It keeps
 * the attributes object it starts with rather than a copy: give each span its own. Its ids are
 * numbers (ServerSpanContext); `samplerReadsTraceId` false says that the sampler decides without the
 * trace id (always on or off, or by the parent), which is then not made into a string for it.
 */
export function withServerSpans(tracer: Tracer, sampler: Sampler, samplerReadsTraceId: boolean, resource: Resource, onEnd: (record: ServerSpanRecord) => void, serverKind: SpanKind): Tracer {
  const startSpan = (name: string, options: SpanOptions = {}, context?: Context): Span => {
    if (options.kind !== serverKind || context === undefined || isTracingSuppressed(context)) return tracer.startSpan(name, options, context);
    const given = options.root ? undefined : trace.getSpanContext(context);
    const parent = given && trace.isSpanContextValid(given) ? given : undefined;
    const own = new ServerSpanContext(parent?.traceId);
    const attributes = options.attributes ?? {};
    const { decision, traceState } = sampler.shouldSample(context, samplerReadsTraceId ? own.traceId : '', name, serverKind, attributes, []);
    const sampled = decision === SamplingDecision.RECORD_AND_SAMPLED;
    own.traceFlags = sampled ? TraceFlags.SAMPLED : TraceFlags.NONE;
    own.traceState = traceState ?? parent?.traceState;
    return new ServerSpan(own, parent, name, attributes, resource, sampled ? onEnd : undefined);
  };
  return {
    startSpan,
    startActiveSpan: tracer.startActiveSpan.bind(tracer),
  };
}

/** An OTLP ExportTraceServiceRequest holding `spans`, as protobuf. */
export function encodeServerSpans(spans: readonly ServerSpanRecord[], resource: Resource, writer = new ProtobufWriter()): Uint8Array {
  return exportRequest(writer, resource, () => {
    for (const span of spans) encodeSpan(writer, span);
  });
}

// Field numbers: opentelemetry/proto/trace/v1/trace.proto
const kindServer = 2;
const flagsHasIsRemote = 0x100;
const flagsIsRemote = 0x200;

function encodeSpan(writer: ProtobufWriter, span: ServerSpanRecord): void {
  writer.begin(2);
  const { context } = span;
  writer.id128(1, context.trace0, context.trace1, context.trace2, context.trace3);
  writer.id64(2, context.span0, context.span1);
  const state = span.context.traceState?.serialize();
  if (state) writer.string(3, state);
  if (span.parent) writer.hex(4, span.parent.spanId);
  writer.string(5, span.name);
  writer.uint(6, kindServer);
  writer.nanos(7, span.startMs, 0);
  writer.nanos(8, span.startMs, span.durationNanos);
  const { attributes, updates } = span;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined && (updates === undefined || !(key in updates))) keyValue(writer, 9, key, value);
  }
  for (const key in updates) keyValue(writer, 9, key, updates[key]!);
  if (span.status.code !== SpanStatusCode.UNSET) {
    writer.begin(15);
    if (span.status.message) writer.string(2, span.status.message);
    writer.uint(3, span.status.code);
    writer.end();
  }
  writer.fixed32(16, (span.context.traceFlags & 0xff) | flagsHasIsRemote | (span.parent?.isRemote ? flagsIsRemote : 0));
  writer.end();
}
