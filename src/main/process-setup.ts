// The first two steps of every long-running entry point: read the configuration (or stop with every
// problem listed and exit code 78), then make the process's logger on stdout.
import { hostname } from 'node:os';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load.ts';
import { configErrorExitCode, formatProblems } from '../config/report.ts';
import { createLogger, type Logger } from '../telemetry/logger.ts';
import { version } from '../version.ts';

export function configOrExit(env: Record<string, string | undefined>): { config: Config; warnings: readonly string[] } {
  const loaded = loadConfig(env, process.cwd());
  if (!loaded.ok) {
    process.stderr.write(formatProblems(loaded.problems));
    process.exit(configErrorExitCode);
  }
  return loaded;
}

export function processLogger(service: string, config: Config): Logger {
  return createLogger({
    service,
    version,
    hostname: hostname(),
    pid: process.pid,
    level: config.log.level,
    format: config.log.format,
    write: (line) => process.stdout.write(line),
  });
}
