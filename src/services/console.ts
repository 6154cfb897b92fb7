// console: the tenants' JSON API under /api and the server-rendered pages, plus the management endpoints.
import { createConsoleApp } from '../console/app.ts';
import { loginLimiter } from '../console/login-limiter.ts';
import type { ServiceDefinition } from '../main/run-service.ts';

export const consoleService: ServiceDefinition = {
  name: 'console',
  needs: ['storage'],
  createApp: ({ logger, store, queue, config, management, pipeline }) =>
    createConsoleApp({ store, queue, logger, management, pipeline, limiter: loginLimiter(5, 5 * 60_000), sessionTtlMs: config.console.sessionTtlMs, queueAgeWarningMs: config.health.queueAgeWarningMs }),
};
