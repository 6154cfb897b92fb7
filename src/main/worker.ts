#!/usr/bin/env bun
// Entry point of the worker process.
import { workerService } from '../../workers/worker-service.ts';
import { runService } from './run-service.ts';

await runService(workerService);
