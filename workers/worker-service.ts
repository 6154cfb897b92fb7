// worker: runs the processing cycles over the durable queues; its HTTP port serves only the
// management endpoints. For now it has no cycles to run.
import { createApp } from '../src/http/create-app.ts';
import type { ServiceDefinition } from '../src/main/run-service.ts';

export const workerService: ServiceDefinition = {
  name: 'worker',
  createApp: ({ logger }) => createApp(logger),
};
