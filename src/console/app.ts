// The console process's app: JSON API under /api, pages at the root, management endpoints.
import type { Hono } from 'hono';
import { type AppEnv, createApp, type Management } from '../http/create-app.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';
import type { Store } from '../storage/store.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { PipelineMetrics } from '../telemetry/pipeline-metrics.ts';
import { consoleApi } from './api.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { consolePages } from './pages.ts';

export interface ConsoleDeps {
  readonly store: Store;
  readonly queue: DurableQueue;
  readonly logger: Logger;
  readonly limiter: LoginLimiter;
  readonly sessionTtlMs: number;
  readonly queueAgeWarningMs: number;
  /** The process's management endpoints; absent in tests of the console alone. */
  readonly management?: Management;
  /** Counts refused console keys; absent in tests of the console alone. */
  readonly pipeline?: PipelineMetrics;
  readonly clock?: () => number;
}

export function createConsoleApp(deps: ConsoleDeps): Hono<AppEnv> {
  return createApp(deps.logger, deps.management).route('/api', consoleApi(deps)).route('/', consolePages(deps));
}
