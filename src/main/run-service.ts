// The life of every Lumetry process. It listens first, so /livez and /startupz answer while
// migrations run, and every other route answers 503 "starting". Then it opens storage (running
// migrations), starts background work and heartbeats, and switches to the full app. On a stop
// signal /readyz fails at once, and the process drains phase by phase (see lifecycle/shutdown.ts).
import { hostname } from 'node:os';
import type { Tracer } from '@opentelemetry/api';
import { guarded, type HealthCheck } from '../../health/check.ts';
import { monitorEventLoop } from '../../health/event-loop.ts';
import { createHealth, type Health } from '../../health/health.ts';
import { startHeartbeat } from '../../health/heartbeat.ts';
import { startupSteps } from '../../health/startup.ts';
import type { Config } from '../config/config.ts';
import { type App, createApp, type Management, unavailableRetryAfterSeconds } from '../http/create-app.ts';
import { createShutdown, type Shutdown } from '../lifecycle/shutdown.ts';
import { handleStopSignals, stopProcess } from '../lifecycle/signals.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';
import { loadRuntime, type Runtime } from '../runtime/index.ts';
import type { FetchHandler } from '../runtime/types.ts';
import type { ServiceName } from '../services/names.ts';
import { openStore } from '../storage/open-store.ts';
import type { Store } from '../storage/store.ts';
import { isRetryable } from '../storage/store-error.ts';
import { errorFields } from '../telemetry/error-fields.ts';
import type { Logger } from '../telemetry/logger.ts';
import { type PipelineMetrics, pipelineMetrics } from '../telemetry/pipeline-metrics.ts';
import { runtimeMetrics } from '../telemetry/runtime-metrics.ts';
import { startTelemetry } from '../telemetry/telemetry.ts';
import { version } from '../version.ts';
import { useOutboundProxy } from './outbound-proxy.ts';
import { configOrExit, processLog } from './process-setup.ts';

export interface ServiceContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly runtime: Runtime;
  readonly store: Store;
  readonly queue: DurableQueue;
  readonly shutdown: Shutdown;
  /** What every process's app serves besides its own routes. */
  readonly management: Management;
  readonly pipeline: PipelineMetrics;
  /** Undefined when traces are off. */
  readonly tracer: Tracer | undefined;
}

export interface ServiceDefinition {
  readonly name: ServiceName;
  /** The dependencies this process cannot work without; each becomes a readiness check. */
  readonly needs: readonly ('storage' | 'messaging')[];
  createApp(context: ServiceContext): App;
  /** Background work beside the HTTP server; registers its own shutdown step. */
  start?(context: ServiceContext): Promise<void>;
}

export async function runService(definition: ServiceDefinition): Promise<void> {
  const loaded = configOrExit(process.env);
  const { config } = loaded;
  const { logger, exit, connectLogs, makeDeferred, droppedLines } = processLog(definition.name, config);
  for (const warning of loaded.warnings) logger.warn(warning);
  const shutdown = createShutdown(logger);
  const stop = { shutdown, logger, timeoutMs: config.shutdownTimeoutMs, exit };
  handleStopSignals(stop);
  const instanceId = crypto.randomUUID();
  const startedAt = Date.now();

  try {
    const runtime = await loadRuntime();
    for (const name of useOutboundProxy(config.proxy, runtime)) {
      logger.warn(`${name} is ignored: every outbound client, OTLP over gRPC included, uses HTTPS_PROXY, HTTP_PROXY and NO_PROXY`, { lumetry: { setting: name } });
    }
    const startup = startupSteps(['telemetry', 'migrations', 'listener']);
    const identity = { service: definition.name, version, instanceId, host: hostname(), pid: process.pid, runtime };
    const telemetry = await startTelemetry(identity, config, logger, connectLogs, droppedLines);
    shutdown.add(
      'telemetry',
      () => {
        makeDeferred();
        return telemetry.shutdown(Math.min(5_000, config.shutdownTimeoutMs / 4));
      },
      'storage',
    );
    const { metrics, tracer } = telemetry;
    startup.done('telemetry');
    const eventLoop = monitorEventLoop({ maxDelayMs: config.health.maxEventLoopDelayMs, onDelay: runtimeMetrics(metrics.meter) });
    shutdown.add('event-loop monitor', () => eventLoop.stop(), 'storage');
    let dependencies: HealthCheck[] = definition.needs.map((name) => ({ name, run: async () => Promise.reject(new Error('storage is not open yet')) }));
    const readiness: HealthCheck[] = [];
    const health = createHealth({ livez: [eventLoop.check], startupz: startup.checks, readyz: readiness }, logger);
    const shuttingDown: HealthCheck = { name: 'shutdown', run: async () => (shutdown.signal.aborted ? Promise.reject(new Error('shutting down')) : undefined) };
    // As in the Kubernetes API server, the liveness check is part of readiness too: a process that
    // stalled is taken out of the Service while the kubelet decides whether to restart it.
    const setReadiness = () => readiness.splice(0, readiness.length, startup.all, eventLoop.check, ...dependencies, shuttingDown);
    setReadiness();

    let handler: FetchHandler = starting(logger, { health, metrics, tracer, logProbes: config.log.probes }).fetch;
    const server = await runtime.serve((request, bindings) => handler(request, bindings), { hostname: config.host, port: config.ports[definition.name] });
    shutdown.add('http server', () => server.stop(), 'listeners');
    shutdown.add('drain delay', () => new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs)), 'drain');
    startup.done('listener');
    logger.info('listening', {
      server: { address: config.host, port: server.port },
      url: { full: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.port}` },
      service: { node: { name: instanceId } },
      lumetry: { runtime: `${runtime.name} ${runtime.version}` },
    });

    const { store, queue, migrations } = await openStoreWhenReachable(() => openStore(config, runtime, `lumetry-${definition.name}`, tracer), logger, shutdown.signal);
    shutdown.add('storage', () => store.close(), 'storage');
    logger.info('storage ready', {
      lumetry: { storage: store.dialect, schema_version: migrations.version, migrations_applied: migrations.applied.length },
    });
    const guard = { timeoutMs: config.health.checkTimeoutMs, cacheMs: config.health.checkCacheMs };
    const probes = { storage: () => store.ping(), messaging: () => queue.ping() };
    dependencies = definition.needs.map((name) => guarded({ name, run: probes[name] }, guard));
    setReadiness();
    startup.done('migrations');

    const context: ServiceContext = { config, logger, runtime, store, queue, shutdown, management: { health, metrics, tracer, logProbes: config.log.probes }, pipeline: pipelineMetrics(metrics), tracer };
    await definition.start?.(context);
    handler = definition.createApp(context).fetch;
    const heartbeat = startHeartbeat({
      store,
      health,
      instance: { instanceId, service: definition.name, host: hostname(), version, startedAt },
      intervalMs: config.health.heartbeatIntervalMs,
      logger,
    });
    shutdown.add('heartbeat', () => heartbeat.stop(), 'announce');
  } catch (error) {
    if (shutdown.signal.aborted) return;
    logger.error('start-up failed', { error: errorFields(error) });
    await stopProcess(stop, 1);
  }
}

/**
 * Opens storage, waiting out a database that cannot be reached yet (it may be starting beside us):
 * retries with back-off from 1 s to 30 s, logging each failure, until it opens or shutdown begins.
 * Any other failure (a refused migration, say) ends start-up at once.
 */
async function openStoreWhenReachable<T>(open: () => Promise<T>, logger: Logger, signal: AbortSignal): Promise<T> {
  for (let delay = 1000; ; delay = Math.min(30_000, delay * 2)) {
    try {
      return await open();
    } catch (error) {
      if (!isRetryable(error) || signal.aborted) throw error;
      logger.warn(`storage is not reachable yet: retrying in ${delay / 1000} s`, { error: errorFields(error.cause ?? error) });
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, delay);
        signal.addEventListener('abort', wake, { once: true });
      });
      if (signal.aborted) throw error;
    }
  }
}

/** Until storage is open: health endpoints answer, everything else is told to come back shortly. */
function starting(logger: Logger, management: Management): App {
  const app = createApp(logger, management);
  app.all('*', (c) => {
    c.header('Retry-After', String(unavailableRetryAfterSeconds));
    return c.json({ error: { code: 'unavailable', message: 'starting up: retry shortly' }, requestId: c.env.requestId }, 503);
  });
  return app;
}
