// ingest-api: accepts tenants' events (POST /v1/events) and the management endpoints.
import { createApp } from '../http/create-app.ts';
import { ingestRoutes } from '../ingest/routes.ts';
import type { ServiceDefinition } from '../main/run-service.ts';
import { queueTracing } from '../telemetry/queue-tracing.ts';

export const ingestApiService: ServiceDefinition = {
  name: 'ingest-api',
  needs: ['storage', 'messaging'],
  createApp: ({ logger, store, management, pipeline, tracer }) =>
    createApp(logger, management).route('/', ingestRoutes(store, { metrics: pipeline, tracing: queueTracing(tracer) })),
};
