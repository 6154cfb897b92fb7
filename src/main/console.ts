#!/usr/bin/env bun
// Entry point of the console process.
import { consoleService } from '../services/console.ts';
import { runService } from './run-service.ts';

await runService(consoleService);
