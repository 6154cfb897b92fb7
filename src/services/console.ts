// console: the tenants' console. For now it serves the management endpoints only.
import { createApp } from '../http/create-app.ts';
import type { ServiceDefinition } from '../main/run-service.ts';

export const consoleService: ServiceDefinition = {
  name: 'console',
  createApp: ({ logger }) => createApp(logger),
};
