// A real logger that keeps its lines in memory, so tests can read what was logged.
import { createLogger } from '../../src/telemetry/logger.ts';

export function memoryLogger() {
  const lines: string[] = [];
  const logger = createLogger({ service: 'test', version: '0', hostname: 'test', pid: 0, level: 'debug', format: 'json', write: (line) => void lines.push(line) });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
