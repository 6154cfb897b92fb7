// A lean ECS logger: one JSON document per line on stdout (or a readable line in text mode).
// Fixed fields are serialised once when a logger is made; disabled levels are no-ops.
// Field reference: https://www.elastic.co/guide/en/ecs-logging/overview/current/intro.html
import { context, type SpanContext, trace } from '@opentelemetry/api';
import type { LogFormat, LogLevel } from '../config/config.ts';

export type Fields = Record<string, unknown>;

/** Leaf values under their dotted names (`http.request.method`), as log-record attributes take them. */
export type FlatFields = Record<string, string | number | boolean | readonly string[]>;

/**
 * An event's fields already serialised as JSON members (no braces) for the hot path, with the same
 * fields under dotted names for text lines and log records, built only when one of those asks.
 */
export class Serialized {
  readonly json: string;
  readonly flat: () => FlatFields;

  constructor(json: string, flat: () => FlatFields) {
    this.json = json;
    this.flat = flat;
  }
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
   * An event that happened at `at` (ms since the epoch), in `span` if given, made (for stdout and
   * for the sink alike) when the writer next makes a batch, so that the caller pays for none of it:
   * one event per request. A line written meanwhile makes the waiting events first, to keep the
   * order. Made at once where the writer cannot defer.
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
  readonly write: (line: string) => void;
  /** Takes a line to be made when the next batch is written (line-writer.ts `defer`). */
  readonly defer?: (make: () => string) => void;
  /** Adds `trace.id` and `span.id` of the active span (only when tracing is on). */
  readonly correlate?: boolean;
  readonly sink?: LogSink;
}

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
  const suffix = JSON.stringify({ ...fixed, ...bindings }).slice(1);
  const { sink, defer, correlate = false } = options;
  /** `trace`: the trace correlation members, or nothing (text lines carry none); `at`: ms since the epoch. */
  const format = (level: LogLevel, message: string, fields: EventFields | undefined, trace: string, at?: number) =>
    options.format === 'json' ? jsonLine(level, message, fields, suffix, trace, at) : textLine(options.service, level, message, fields, at);
  const traced = correlate && options.format === 'json';
  const emit = (level: LogLevel) => {
    if (levelOrder[level] < levelOrder[options.level]) return noop;
    const line = (message: string, fields?: EventFields) => options.write(format(level, message, fields, traced ? traceFields() : ''));
    if (sink === undefined) return line;
    return (message: string, fields?: EventFields) => {
      line(message, fields);
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
      if (defer === undefined) {
        const now = () => logger[level](...event());
        return span ? context.with(trace.setSpanContext(context.active(), span), now) : now();
      }
      defer(() => {
        const [message, fields] = event();
        const line = format(level, message, fields, traced && span !== undefined ? spanFields(span) : '', at);
        try {
          sink?.(level, message, fields, bindings, { at, span });
        } catch {
          // OTLP export counts what it loses itself; the line still goes out
        }
        return line;
      });
    },
    child: (extra) => build(options, fixed, { ...bindings, ...extra }),
  };
  return logger;
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

// Only these need escaping in a JSON string (lone surrogates so that the line stays valid UTF-8).
const escaped = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify` of a string, without its cost for the common string that needs no escaping. */
export function quote(text: string): string {
  return escaped.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** `trace` is the trace correlation members, or nothing. */
function jsonLine(level: LogLevel, message: string, fields: EventFields | undefined, suffix: string, trace: string, at = Date.now()): string {
  const head = `{"@timestamp":"${timestamp(at)}","log.level":"${level}","message":${quote(message)}`;
  const middle = fields === undefined ? '' : fields instanceof Serialized ? `,${fields.json}` : `,${JSON.stringify(fields).slice(1, -1)}`;
  return `${head}${middle === ',' ? '' : middle}${trace},${suffix}\n`;
}

/** ECS trace correlation: https://www.elastic.co/guide/en/ecs/current/ecs-tracing.html */
function traceFields(): string {
  const span = trace.getSpanContext(context.active());
  return span === undefined ? '' : spanFields(span);
}

function spanFields(span: SpanContext): string {
  return `,"trace.id":"${span.traceId}","span.id":"${span.spanId}"`;
}

function textLine(service: string, level: LogLevel, message: string, fields: EventFields | undefined, at = Date.now()): string {
  const pairs: string[] = [];
  if (fields !== undefined) forEachField(fields, (name, value) => pairs.push(`${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`));
  const extra = pairs.length === 0 ? '' : ` ${pairs.join(' ')}`;
  return `${new Date(at).toISOString()} ${level.toUpperCase().padEnd(5)} ${service} ${message}${extra}\n`;
}

/** Visits every leaf of nested fields under its dotted name (`http.request.method`); arrays are leaves. */
export function forEachField(fields: EventFields, visit: (name: string, value: unknown) => void, prefix = ''): void {
  if (fields instanceof Serialized) {
    const flat = fields.flat();
    for (const name in flat) visit(name, flat[name]);
    return;
  }
  for (const key in fields) {
    const value = fields[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) forEachField(value as Fields, visit, `${prefix}${key}.`);
    else visit(`${prefix}${key}`, value);
  }
}
