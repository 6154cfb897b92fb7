// The life of every Lumetry process: read the configuration, open storage (running migrations),
// serve the app, and on a stop signal drain in reverse order of start. Entry points only name
// their service definition.
import type { Hono } from 'hono';
import type { Config } from '../config/config.ts';
import type { AppEnv } from '../http/create-app.ts';
import { createShutdown, type Shutdown } from '../lifecycle/shutdown.ts';
import { handleStopSignals, stopProcess } from '../lifecycle/signals.ts';
import { loadRuntime, type Runtime } from '../runtime/index.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';
import type { ServiceName } from '../services/names.ts';
import { openStore } from '../storage/open-store.ts';
import type { Store } from '../storage/store.ts';
import { errorFields } from '../telemetry/error-fields.ts';
import type { Logger } from '../telemetry/logger.ts';
import { configOrExit, processLogger } from './process-setup.ts';

export interface ServiceContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly runtime: Runtime;
  readonly store: Store;
  readonly queue: DurableQueue;
  readonly shutdown: Shutdown;
}

export interface ServiceDefinition {
  readonly name: ServiceName;
  createApp(context: ServiceContext): Hono<AppEnv>;
  /** Background work beside the HTTP server; registers its own shutdown step. */
  start?(context: ServiceContext): Promise<void>;
}

export async function runService(definition: ServiceDefinition): Promise<void> {
  const loaded = configOrExit(process.env);
  const { config } = loaded;
  const logger = processLogger(definition.name, config);
  for (const warning of loaded.warnings) logger.warn(warning);
  const shutdown = createShutdown(logger);
  const stop = { shutdown, logger, timeoutMs: config.shutdownTimeoutMs, exit: (code: number) => process.exit(code) };
  handleStopSignals(stop);

  try {
    const runtime = await loadRuntime();
    const { store, queue, migrations } = await openStore(config, runtime, `lumetry-${definition.name}`);
    shutdown.add('storage', () => store.close());
    logger.info('storage ready', {
      lumetry: { storage: store.dialect, schema_version: migrations.version, migrations_applied: migrations.applied.length },
    });
    const context = { config, logger, runtime, store, queue, shutdown };
    await definition.start?.(context);
    const app = definition.createApp(context);
    const server = await runtime.serve(app.fetch, { hostname: config.host, port: config.ports[definition.name] });
    shutdown.add('http server', () => server.stop());
    logger.info('listening', {
      server: { address: config.host, port: server.port },
      url: { full: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.port}` },
      lumetry: { runtime: `${runtime.name} ${runtime.version}` },
    });
  } catch (error) {
    logger.error('start-up failed', { error: errorFields(error) });
    await stopProcess(stop, 1);
  }
}
