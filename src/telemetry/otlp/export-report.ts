// What happens to telemetry on its way out: items exported, items dropped (a full queue, a failed
// export, items the endpoint refused, log lines stdout could not take) counted in lumetry.telemetry.*
// metrics, and export failures logged at most once a minute per signal, with how many were not
// logged. A collector that is down, slow or refusing costs a counter increment per item, never a
// blocked request or an unbounded queue.
import type { Meter } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { SignalName } from '../../config/telemetry-config.ts';
import { logRate } from '../log-rate.ts';
import type { Logger } from '../logger.ts';
import type { Refusal } from './exporters.ts';

export type DropReason = 'queue_full' | 'export_failed' | 'refused';

export interface ExportReport {
  exported(signal: SignalName, count: number): void;
  dropped(signal: SignalName, reason: DropReason, count: number): void;
  /** An export that failed, or (`refused`) was acknowledged with `items` of it refused. */
  failed(signal: SignalName, error: Error | undefined, items: number, refused?: boolean): void;
  /** Publishes the totals as lumetry.telemetry.* counters of this meter. */
  observe(meter: Meter): void;
  /** `text` with every header value and endpoint credential cut out. */
  redact(text: string): string;
  /** The error of a failed export this report has counted (and logged, or counted as not logged). */
  reported(error: unknown): boolean;
}

export interface ExportReportOptions {
  readonly logger: Logger;
  /** Header values and endpoint credentials: cut out of any error text before it is logged. */
  readonly secrets: readonly string[];
  readonly logEveryMs?: number;
  readonly clock?: () => number;
  /** Log lines the stdout writer has dropped so far (line-writer.ts): its reader fell behind. */
  readonly stdoutDropped?: () => number;
}

/** What an endpoint URL may carry that is a credential: user, password and query values. */
export function endpointSecrets(text: string): string[] {
  const url = new URL(text);
  return [decodeURIComponent(url.username), decodeURIComponent(url.password), ...url.searchParams.values()].filter((part) => part !== '');
}

export function exportReport(options: ExportReportOptions): ExportReport {
  const exportedTotals = new Map<SignalName, number>();
  const droppedTotals = new Map<`${SignalName} ${DropReason}`, number>();
  const { stdoutDropped } = options;
  const logged = logRate({ everyMs: options.logEveryMs ?? 60_000, ...(options.clock ? { clock: options.clock } : {}) });
  // A value, its token without the auth scheme (`Bearer …`), and both percent-encoded.
  const secrets = [...new Set(options.secrets.flatMap((value) => [value, value.trim().replace(/^\S+\s+/, '')]).flatMap((value) => [value, encodeURIComponent(value)]))]
    .filter((secret) => secret.length >= 4)
    .sort((a, b) => b.length - a.length);
  const redact = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('[REDACTED]'), text);
  const reportedErrors = new WeakSet<object>();
  return {
    redact,
    reported: (error) => typeof error === 'object' && error !== null && reportedErrors.has(error),
    exported: (signal, count) => void exportedTotals.set(signal, (exportedTotals.get(signal) ?? 0) + count),
    dropped: (signal, reason, count) => void droppedTotals.set(`${signal} ${reason}`, (droppedTotals.get(`${signal} ${reason}`) ?? 0) + count),
    failed: (signal, error, items, refused = false) => {
      if (error) reportedErrors.add(error);
      const suppressed = logged(signal);
      if (suppressed === undefined) return;
      options.logger.warn(`OTLP ${signal} export ${refused ? 'partly refused by the endpoint' : 'failed'}: ${items} items dropped`, {
        error: { type: error?.name ?? 'Error', message: redact(error?.message ?? 'export failed') },
        lumetry: { signal, failures_not_logged: suppressed },
      });
    },
    observe: (meter) => {
      meter
        .createObservableCounter('lumetry.telemetry.exported', { unit: '{item}', description: 'Spans, metric data points and log records sent and acknowledged by the OTLP endpoint, by lumetry.signal.' })
        .addCallback((result) => {
          for (const [signal, count] of exportedTotals) result.observe(count, { 'lumetry.signal': signal });
        });
      meter
        .createObservableCounter('lumetry.telemetry.dropped', {
          unit: '{item}',
          description: 'Spans, metric data points and log records lost on the way to the OTLP endpoint, and log lines stdout could not take, by lumetry.signal and lumetry.reason (queue_full, export_failed, refused, stdout_full).',
        })
        .addCallback((result) => {
          for (const [key, count] of droppedTotals) {
            const [signal, reason] = key.split(' ');
            result.observe(count, { 'lumetry.signal': signal!, 'lumetry.reason': reason! });
          }
          // Observed at 0 too, so that an alert on its rise has a series from the start.
          if (stdoutDropped) result.observe(stdoutDropped(), { 'lumetry.signal': 'logs', 'lumetry.reason': 'stdout_full' });
        });
    },
  };
}

interface Exporter<T> {
  export(items: T, done: (result: ExportResult) => void): void;
}

/**
 * Counts every item an exporter is given as exported or dropped: a failed export's, and those the
 * endpoint refused of an acknowledged one (`refused`, OTLP partial success). `handedOver` frees
 * queue room.
 */
export function accounted<T, E extends Exporter<T>>({ exporter, refused }: { exporter: E; refused?: () => Refusal | undefined }, signal: SignalName, report: ExportReport, size: (items: T) => number, handedOver?: (count: number) => void): E {
  const send = exporter.export.bind(exporter);
  exporter.export = (items, done) => {
    const count = size(items);
    handedOver?.(count);
    send(items, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        const refusal = refused?.();
        const lost = Math.min(refusal?.count ?? 0, count);
        report.exported(signal, count - lost);
        if (refusal && lost > 0) {
          report.dropped(signal, 'refused', lost);
          report.failed(signal, Object.assign(new Error(refusal.message || 'no reason given'), { name: 'PartialSuccess' }), lost, true);
        }
        done(result);
        return;
      }
      // Always with an error, so the SDK hands this one to the global error handler and it is known as reported.
      const failure = { ...result, error: result.error ?? new Error('export failed') };
      report.dropped(signal, 'export_failed', count);
      report.failed(signal, failure.error, count);
      done(failure);
    });
  };
  return exporter;
}

/** Admits items into an export queue while fewer than `max` wait; the rest are counted as dropped. */
export function queueGate(max: number, onFull: () => void) {
  let waiting = 0;
  return {
    admit(): boolean {
      if (waiting >= max) {
        onFull();
        return false;
      }
      waiting++;
      return true;
    },
    release(count: number): void {
      waiting = Math.max(0, waiting - count);
    },
  };
}
