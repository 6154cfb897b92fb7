// A lean ECS logger: one JSON document per line on stdout (or a readable line in text mode).
// Fixed fields are serialised once when a logger is made; disabled levels are no-ops.
// Field reference: https://www.elastic.co/guide/en/ecs-logging/overview/current/intro.html
import { context, type SpanContext, trace } from '@opentelemetry/api';
import type { LogFormat, LogLevel } from '../config/config.ts';
import { fragment, JsonBytes, jsonText } from './json-bytes.ts';
import type { LineWriter } from './line-writer.ts';
import { ServerSpanContext } from './span-ids.ts';
import { transactionOf } from './transaction.ts';

export type Fields = Record<string, unknown>;

/** Leaf values under their dotted names (`http.request.method`), as log-record attributes take them. */
export type FlatFields = Record<string, string | number | boolean | readonly string[]>;

/**
 * An event's fields that encode themselves as JSON members (no braces) for the hot path, and visit
 * the same fields under dotted names for text lines and log records, with nothing built between.
 */
export abstract class Serialized {
  /** Writes the members, at least one. */
  abstract encode(out: JsonBytes): void;
  /** Calls `visit` with each field's dotted name and value. */
  abstract visit(visit: (name: string, value: FlatFields[string]) => void): void;
}

export type EventFields = Fields | Serialized;

/** When and in which span an event happened, for one made later than that (`Logger.later`). */
export interface Happened {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly span: SpanContext | undefined;
}

/**
 * Where else an event goes besides stdout (OpenTelemetry log records); `bindings` are a child's.
 * Without `happened`, the event is happening now, in the active span.
 */
export type LogSink = (level: LogLevel, message: string, fields: EventFields | undefined, bindings: Fields, happened?: Happened) => void;

/** An event made only when its line is: its message and fields. */
export type LaterEvent = () => readonly [message: string, fields: EventFields];

export interface Logger {
  debug(message: string, fields?: EventFields): void;
  info(message: string, fields?: EventFields): void;
  warn(message: string, fields?: EventFields): void;
  error(message: string, fields?: EventFields): void;
  /**
   * An event that happened at `at` (ms since the epoch), in `span` if given (an entry span, such as
   * a request's server span: also the line's transaction), made (for stdout and for the sink alike)
   * when the writer next makes a batch, so that the caller pays for none of it:
   * one event per request. A line written meanwhile makes the waiting events first, to keep the
   * order. Made at once where the writer cannot defer. The event must not hold what the request
   * no longer needs (its Request above all): it can wait for the batch a while.
   */
  later(level: LogLevel, at: number, event: LaterEvent, span?: SpanContext): void;
  child(bindings: Fields): Logger;
}

export interface LoggerOptions {
  readonly service: string;
  readonly version: string;
  readonly hostname: string;
  readonly pid: number;
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go: whole lines as strings, or encoded in place by the non-blocking writer. */
  readonly write: ((line: string) => void) | LineOutput;
  /** Adds `trace.id`, `span.id` and `transaction.id` of the active span (only when tracing is on). */
  readonly correlate?: boolean;
  readonly sink?: LogSink;
}

/** The writer's `encode`, and its `defer` where lines can wait for the next batch (line-writer.ts). */
export type LineOutput = Pick<LineWriter, 'encode'> & Partial<Pick<LineWriter, 'defer'>>;

export const ecsVersion = '9.4.0';
const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const noop = (): void => {};

export function createLogger(options: LoggerOptions): Logger {
  // Dotted keys, not nested objects: a line's own fields (`service.instance.id`, `event.duration`)
  // must never produce a second `service` or `event` key in the same JSON object.
  const fixed: Fields = {
    'ecs.version': ecsVersion,
    'service.name': options.service,
    'service.version': options.version,
    'host.hostname': options.hostname,
    'process.pid': options.pid,
    'event.dataset': `lumetry.${options.service}`,
  };
  return build(options, fixed, {});
}

function build(options: LoggerOptions, fixed: Fields, bindings: Fields): Logger {
  const suffix = fragment(`,${jsonText({ ...fixed, ...bindings }).slice(1)}\n`);
  const { sink, correlate = false } = options;
  const output = typeof options.write === 'function' ? stringOutput(options.write) : options.write;
  const defer = output.defer;
  /** `span`, `transaction`: what to correlate with, if any (text lines carry none); `at`: ms since the epoch. */
  const put = (out: JsonBytes, level: LogLevel, message: string, fields: EventFields | undefined, span: SpanContext | undefined, transaction: SpanContext | undefined, at: number) => {
    if (options.format === 'json') jsonLine(out, level, message, fields, suffix, span, transaction, at);
    else out.text(textLine(options.service, level, message, fields, at));
  };
  const traced = correlate && options.format === 'json';
  const emit = (level: LogLevel) => {
    if (levelOrder[level] < levelOrder[options.level]) return noop;
    const write = (message: string, fields?: EventFields) => {
      const active = traced ? context.active() : undefined;
      const span = active && trace.getSpanContext(active);
      const transaction = active && span && transactionOf(active);
      const at = Date.now();
      output.encode((out) => put(out, level, message, fields, span, transaction, at));
    };
    if (sink === undefined) return write;
    return (message: string, fields?: EventFields) => {
      write(message, fields);
      sink(level, message, fields, bindings);
    };
  };
  const logger: Logger = {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    later: (level, at, event, span) => {
      if (levelOrder[level] < levelOrder[options.level]) return;
      const correlated = traced ? span : undefined;
      const make = (out: JsonBytes) => {
        const [message, fields] = event();
        try {
          sink?.(level, message, fields, bindings, { at, span });
        } catch {
          // OTLP export counts what it loses itself; the line still goes out
        }
        put(out, level, message, fields, correlated, correlated, at);
      };
      if (defer === undefined) output.encode(make);
      else defer(make);
    },
    child: (extra) => build(options, fixed, { ...bindings, ...extra }),
  };
  return logger;
}

/** Lines handed over as strings, one at a time: each is encoded into one buffer and read back. */
function stringOutput(write: (line: string) => void): LineOutput {
  const scratch = new JsonBytes(4096, Number.MAX_SAFE_INTEGER);
  return {
    encode: (fill) => {
      scratch.at = 0;
      fill(scratch);
      write(scratch.toString());
    },
  };
}

// Formatting a date is a fair share of a line's cost; lines in the same millisecond share it.
let stampedAt = 0;
let stamp = '';
function timestamp(at: number): string {
  if (at !== stampedAt) {
    stampedAt = at;
    stamp = new Date(at).toISOString();
  }
  return stamp;
}

const head = fragment('{"@timestamp":"');
const levels: Record<LogLevel, Uint8Array> = {
  debug: fragment('","log.level":"debug","message":'),
  info: fragment('","log.level":"info","message":'),
  warn: fragment('","log.level":"warn","message":'),
  error: fragment('","log.level":"error","message":'),
};
const traceId = fragment(',"trace.id":"');
const transactionId = fragment('","transaction.id":"');
const spanId = fragment('","span.id":"');
const comma = 0x2c;
const quoteMark = 0x22;

/** One ECS line; `suffix` is the logger's fixed members, closing brace and newline. */
function jsonLine(out: JsonBytes, level: LogLevel, message: string, fields: EventFields | undefined, suffix: Uint8Array, span: SpanContext | undefined, transaction: SpanContext | undefined, at: number): void {
  out.raw(head);
  out.chars(timestamp(at));
  out.raw(levels[level]);
  out.string(message);
  if (fields instanceof Serialized) {
    out.byte(comma);
    fields.encode(out);
  } else if (fields !== undefined) {
    const members = jsonText(fields).slice(1, -1);
    if (members !== '') {
      out.byte(comma);
      out.text(members);
    }
  }
  // ECS trace correlation: https://www.elastic.co/guide/en/ecs/current/ecs-tracing.html
  if (span !== undefined) {
    out.raw(traceId);
    // A server span's ids are numbers: written as they are, with no string made (span-ids.ts).
    if (span instanceof ServerSpanContext) {
      out.hexWord(span.trace0);
      out.hexWord(span.trace1);
      out.hexWord(span.trace2);
      out.hexWord(span.trace3);
    } else out.chars(span.traceId);
    if (transaction !== undefined) {
      out.raw(transactionId);
      spanIdOf(out, transaction);
    }
    out.raw(spanId);
    spanIdOf(out, span);
    out.byte(quoteMark);
  }
  out.raw(suffix);
}

/** A span's id; a server span's from its numbers, with no string made. */
function spanIdOf(out: JsonBytes, span: SpanContext): void {
  if (span instanceof ServerSpanContext) {
    out.hexWord(span.span0);
    out.hexWord(span.span1);
  } else out.chars(span.spanId);
}

/** A text value written without quotes: one that cannot read as more than one `name=value` pair. */
const bare = /^[^\s="]+$/;

function textLine(service: string, level: LogLevel, message: string, fields: EventFields | undefined, at: number): string {
  const pairs: string[] = [];
  if (fields !== undefined) forEachField(fields, (name, value) => pairs.push(`${name}=${typeof value === 'string' && bare.test(value) ? value : JSON.stringify(value)}`));
  const extra = pairs.length === 0 ? '' : ` ${pairs.join(' ')}`;
  return `${escapeControls(`${new Date(at).toISOString()} ${level.toUpperCase().padEnd(5)} ${service} ${message}${extra}`)}\n`;
}

// A request path, a header or a stack trace can hold line breaks: written raw, one event would read
// as several lines, and a client could forge some. C0 and C1 controls and the Unicode line and
// paragraph separators are written as escapes, so a text event is always exactly one line.
const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escapeControl = (char: string) => named[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

function escapeControls(text: string): string {
  return text.replace(controls, escapeControl);
}

/** Visits every leaf of nested fields under its dotted name (`http.request.method`); arrays are leaves. */
export function forEachField(fields: EventFields, visit: (name: string, value: unknown) => void, prefix = ''): void {
  if (fields instanceof Serialized) return fields.visit(visit);
  for (const key in fields) {
    const value = fields[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) forEachField(value as Fields, visit, `${prefix}${key}.`);
    else visit(`${prefix}${key}`, value);
  }
}
