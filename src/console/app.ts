// The console process's app: JSON API under /api, pages at the root, management endpoints.
import type { Hono } from 'hono';
import { type AppEnv, createApp } from '../http/create-app.ts';
import { consoleApi } from './api.ts';
import { consolePages, type PageDeps } from './pages.ts';

export function createConsoleApp(deps: PageDeps): Hono<AppEnv> {
  return createApp(deps.logger).route('/api', consoleApi(deps.store)).route('/', consolePages(deps));
}
