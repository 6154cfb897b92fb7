// What the OpenTelemetry SDK has to say, as log events: its warnings and errors (the API's `diag`,
// a no-op until a logger is set, which is also where the Prometheus exposition reports what it
// leaves out) and the errors its components hand to the global error handler. Each event has
// `log.logger: opentelemetry`. A kind of message is logged at most once a minute, the next one
// saying how many were not; credentials are cut out as from export failures; and an export failure
// the export report has already logged is not logged again.
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { logRate } from './log-rate.ts';
import type { Logger } from './logger.ts';
import type { ExportReport } from './otlp/export-report.ts';

export interface SdkDiagnosticsOptions {
  readonly logger: Logger;
  readonly report: Pick<ExportReport, 'redact' | 'reported'>;
  readonly everyMs?: number;
  readonly clock?: () => number;
}

/** Kinds of message told apart; past this many, the rest share one kind. */
const maxKinds = 64;
/** Characters of a message kept: the SDK may pass whole objects along with it. */
const maxLength = 2_000;

/** Sets the process's diag logger (warnings and errors) and global error handler. */
export function routeSdkDiagnostics(options: SdkDiagnosticsOptions): void {
  const { logger, report } = options;
  const logged = logRate({ everyMs: options.everyMs ?? 60_000, maxKinds, ...(options.clock ? { clock: options.clock } : {}) });
  const emit = (level: 'warn' | 'error', parts: readonly unknown[]) => {
    const message = report.redact(parts.map(describe).join(' ')).slice(0, maxLength);
    if (knownAlready.some((known) => known.test(message))) return;
    const suppressed = logged(kindOf(message));
    if (suppressed === undefined) return;
    logger[level](`OpenTelemetry SDK: ${message}`, { 'log.logger': 'opentelemetry', lumetry: { messages_not_logged: suppressed } });
  };
  const ignored = () => undefined;
  const sink: DiagLogger = { error: (...parts) => emit('error', parts), warn: (...parts) => emit('warn', parts), info: ignored, debug: ignored, verbose: ignored };
  diag.setLogger(sink, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  setGlobalErrorHandler((error) => {
    if (!report.reported(error)) emit('error', [error]);
  });
}

/**
 * What the SDK says that is known already, matched on the message as `describe` gives it. About an
 * export the export report has logged: a partial success (the OTLP exporters' warning), and the
 * periodic metric reader's own error wrapping a failed export's and its giving up on an export
 * slower than its interval (every metric exporter is counted by the report, which logs the failure
 * when the exporter's own timeout ends it). And a batch span's links past the SDK's limit, which
 * the span itself counts as dropped, as documented. An SDK update that rewords them makes them
 * logged, never lost.
 */
const knownAlready = [/^Received Partial Success response/, /^Error: PeriodicExportingMetricReader: metrics export failed/, /^PeriodicExportingMetricReader: metrics export timed out/, /^Dropped \d+ links because linkCountLimit reached/];

/** The message without its numbers, so `negative value provided to counter x: -3` and `-4` are one kind. */
function kindOf(message: string): string {
  return message.replace(/[0-9]+/g, '#').slice(0, 120);
}

function describe(part: unknown): string {
  if (part instanceof Error) return `${part.name}: ${part.message}`;
  if (typeof part === 'string') return part;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return String(part);
  }
}
