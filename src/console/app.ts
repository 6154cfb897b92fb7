// The console process's app: JSON API under /api, pages at the root, management endpoints.
import type { Hono } from 'hono';
import type { Health } from '../../health/health.ts';
import { type AppEnv, createApp } from '../http/create-app.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';
import type { Store } from '../storage/store.ts';
import type { Logger } from '../telemetry/logger.ts';
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
  /** The process's health endpoints; absent in tests of the console alone. */
  readonly health?: Health;
  readonly clock?: () => number;
}

export function createConsoleApp(deps: ConsoleDeps): Hono<AppEnv> {
  return createApp(deps.logger, deps.health).route('/api', consoleApi(deps)).route('/', consolePages(deps));
}
