#!/usr/bin/env bun
// Entry point of the ingest-api process.
import { ingestApiService } from '../services/ingest-api.ts';
import { runService } from './run-service.ts';

await runService(ingestApiService);
