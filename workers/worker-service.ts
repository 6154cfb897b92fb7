// worker: runs the processing cycles over the durable queues; its HTTP port serves only the
// management endpoints. The worker stops before storage closes and after the HTTP server.
import { createApp } from '../src/http/create-app.ts';
import type { ServiceDefinition } from '../src/main/run-service.ts';
import { startWorker } from './worker.ts';

export const workerService: ServiceDefinition = {
  name: 'worker',
  needs: ['storage', 'messaging'],
  createApp: ({ logger, management }) => createApp(logger, management),
  start: async (context) => {
    const worker = await startWorker({ ...context, metrics: context.pipeline });
    context.shutdown.add('worker', () => worker.stop());
  },
};
