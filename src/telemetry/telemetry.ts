// The one telemetry bootstrap every Lumetry process runs: the resource, the MeterProvider behind
// /metrics (and OTLP metrics), and, only for the signals switched on, span and log record export.
// A signal that is off loads no exporter and leaves no work on the hot path: no tracer means no
// span is started and the store is not wrapped; no log export means the logger writes stdout only.
import type { Tracer } from '@opentelemetry/api';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Config } from '../config/config.ts';
import type { Logger, LogSink } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { accounted, endpointSecrets, exportReport } from './otlp/export-report.ts';
import { metricExporter } from './otlp/exporters.ts';
import { startLogExport } from './otlp/log-export.ts';
import { startSpanExport } from './otlp/span-export.ts';
import { type ProcessIdentity, processResource } from './resource.ts';
import { routeSdkDiagnostics } from './sdk-diagnostics.ts';

export interface Telemetry {
  readonly metrics: Metrics;
  /** Undefined when traces are off. */
  readonly tracer: Tracer | undefined;
  /** Flushes and stops traces, then logs, then metrics, giving up after `deadlineMs`. */
  shutdown(deadlineMs: number): Promise<void>;
}

/** `stdoutDropped`: log lines the stdout writer has dropped so far, counted in lumetry.telemetry.dropped. */
export async function startTelemetry(identity: ProcessIdentity, config: Config, logger: Logger, connectLogs?: (sink: LogSink) => void, stdoutDropped?: () => number): Promise<Telemetry> {
  const settings = config.telemetry;
  const resource = processResource(identity, { environment: settings.environment, extra: settings.resourceAttributes });
  const proxies = [config.proxy.http, config.proxy.https].filter((url) => url !== undefined);
  const secrets = [...Object.values(settings.export).flatMap((signal) => (signal ? [...Object.values(signal.headers), ...endpointSecrets(signal.url)] : [])), ...proxies.flatMap(endpointSecrets)];
  const report = exportReport({ logger, secrets, ...(stdoutDropped ? { stdoutDropped } : {}) });
  routeSdkDiagnostics({ logger, report });
  const pushing = settings.export.metrics;
  const push = pushing && {
    exporter: accounted(await metricExporter(pushing), 'metrics', report, (batch: ResourceMetrics) => batch.scopeMetrics.reduce((sum, scope) => sum + scope.metrics.reduce((n, m) => n + m.dataPoints.length, 0), 0)),
    intervalMs: settings.metricExport.intervalMs,
    timeoutMs: settings.metricExport.timeoutMs,
  };
  const metrics = createMetrics(resource, { path: config.metrics.enabled ? config.metrics.path : undefined, ...(push ? { push } : {}) });
  // Always: stdout can drop log lines in any process; the OTLP series appear only once there is export.
  report.observe(metrics.meter);
  const spans = settings.export.traces && (await startSpanExport(settings.export.traces, settings, resource, report));
  const logs = settings.export.logs && (await startLogExport(settings.export.logs, settings, resource, report));
  if (logs) connectLogs?.(logs.sink);
  const steps = [spans?.shutdown, logs?.shutdown, metrics.shutdown].filter((step) => step !== undefined);
  return {
    metrics,
    tracer: spans?.tracer,
    shutdown: async (deadlineMs) => {
      const deadline = performance.now() + deadlineMs;
      for (const step of steps) {
        const left = deadline - performance.now();
        if (left <= 0) break;
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([step().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
        clearTimeout(timer);
      }
    },
  };
}
