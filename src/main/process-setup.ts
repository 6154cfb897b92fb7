// The first two steps of every long-running entry point: read the configuration (or stop with every
// problem listed and exit code 78), then make the process's logger, which writes to stdout without
// blocking, and the exit that flushes it first. Whatever a dependency prints with `console` becomes
// an event of that logger, so stdout stays one ECS document per line for a log shipper (and on Bun,
// whose console writes to the descriptor itself, such a write cannot land inside a batch).
import { hostname } from 'node:os';
import { format } from 'node:util';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load.ts';
import { configErrorExitCode, formatProblems } from '../config/report.ts';
import { fdLineWriter } from '../telemetry/line-writer.ts';
import { createLogger, type Logger, type LogSink } from '../telemetry/logger.ts';
import { version } from '../version.ts';

export function configOrExit(env: Record<string, string | undefined>): { config: Config; warnings: readonly string[] } {
  const loaded = loadConfig(env, process.cwd());
  if (!loaded.ok) {
    process.stderr.write(formatProblems(loaded.problems));
    process.exit(configErrorExitCode);
  }
  return loaded;
}

export interface ProcessLog {
  readonly logger: Logger;
  /** Writes a finished line (newline included) through the same non-blocking stdout writer. */
  write(line: string): void;
  /**
   * Exits once the log lines written so far are out, or after two seconds: then what is still
   * waiting is written blocking, unless the reader of stdout has stalled, when it is given up.
   */
  exit(code: number): void;
  /** Makes the deferred request events now; before OTLP export shuts down, which they also feed. */
  makeDeferred(): void;
  /** With OTLP logs on: where every event also goes, once telemetry has started. */
  connectLogs(sink: LogSink): void;
  /** Lines dropped so far because stdout's reader fell behind, for lumetry.telemetry.dropped. */
  droppedLines(): number;
}

export function processLog(service: string, config: Config): ProcessLog {
  const writer = fdLineWriter(1);
  let logSink: LogSink | undefined;
  const { traces, logs } = config.telemetry.export;
  const logger = createLogger({
    service,
    version,
    hostname: hostname(),
    pid: process.pid,
    level: config.log.level,
    format: config.log.format,
    write: writer,
    correlate: traces !== undefined,
    ...(logs === undefined ? {} : { sink: (...event: Parameters<LogSink>) => logSink?.(...event) }),
  });
  routeConsole(logger);
  return {
    logger,
    connectLogs: (sink) => {
      logSink = sink;
    },
    write: writer.write,
    makeDeferred: writer.makeDeferred,
    droppedLines: () => writer.dropped,
    exit: (code) => {
      setTimeout(() => {
        writer.flushSync();
        process.exit(code);
      }, 2_000);
      void writer.flush().then(() => process.exit(code));
    },
  };
}

/** `console` output as events (`log.logger: console`), at the level its method names. */
function routeConsole(logger: Logger): void {
  const to = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => logger[level](format(...args), { 'log.logger': 'console' });
  console.debug = to('debug');
  console.log = console.info = to('info');
  console.warn = to('warn');
  console.error = to('error');
}
