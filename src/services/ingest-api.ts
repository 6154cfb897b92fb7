// ingest-api: accepts tenants' events. For now it serves the management endpoints only.
import { createApp } from '../http/create-app.ts';
import type { ServiceDefinition } from '../main/run-service.ts';

export const ingestApiService: ServiceDefinition = {
  name: 'ingest-api',
  createApp: ({ logger }) => createApp(logger),
};
