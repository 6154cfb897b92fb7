#!/usr/bin/env bun
// `npm run services`: the embedded quick start. Prepares storage (migrations, and a demo tenant on
// first run), then runs ingest-api, console and worker as separate processes with the same runtime
// that runs this file, and stops them together.
// Output: in json format every child's lines pass through unchanged (each names its service), ready
// for a log shipper; when stdout is a terminal and no format is set, children log readable text.
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isatty } from 'node:tty';
import { fileURLToPath } from 'node:url';
import { createDemoTenant, demoCredentialsFile } from '../demo.ts';
import { loadRuntime } from '../runtime/index.ts';
import { serviceNames } from '../services/names.ts';
import { openStore } from '../storage/open-store.ts';
import { errorFields } from '../telemetry/error-fields.ts';
import { configOrExit, processLog } from './process-setup.ts';
import { supervise } from './supervisor.ts';

const env = { ...process.env };
if (!env.LUMETRY_LOG_FORMAT && isatty(1)) env.LUMETRY_LOG_FORMAT = 'text';
const { config } = configOrExit(env);
const { logger, write, exit } = processLog('services', config);

try {
  const { store } = await openStore(config, await loadRuntime(), 'lumetry-services');
  const created = await createDemoTenant(store, config.dataDir).finally(() => store.close());
  const credentials = join(config.dataDir, demoCredentialsFile);
  if (created) logger.info(`demo tenant created: its API keys are in ${created} (readable only by you)`, { file: { path: created } });
  else if (existsSync(credentials)) logger.info(`demo tenant API keys: ${credentials}`, { file: { path: credentials } });
} catch (error) {
  logger.error('could not prepare storage', { error: errorFields(error) });
  exit(1);
  // exit() returns at once and exits once the log is flushed: nothing below may start meanwhile.
  await new Promise<never>(() => {});
}

const extension = extname(fileURLToPath(import.meta.url));
const colours = isatty(1) && config.log.format === 'text' ? ['\x1b[36m', '\x1b[35m', '\x1b[33m'] : [];
const supervisor = supervise({
  children: serviceNames.map((name) => ({
    name,
    command: process.execPath,
    args: [fileURLToPath(new URL(`./${name}${extension}`, import.meta.url))],
  })),
  env,
  logger,
  line: (name, text, stream) => {
    if (stream === 'stderr') process.stderr.write(config.log.format === 'text' ? `${name}: ${text}\n` : `${text}\n`);
    else {
      const colour = colours[serviceNames.indexOf(name)];
      write(colour ? `${colour}${text}\x1b[0m\n` : `${text}\n`);
    }
  },
});

let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (signalled) {
      logger.warn('second stop signal: killing every process');
      supervisor.kill();
      exit(130);
    }
    signalled = true;
    logger.info('stopping every process', { lumetry: { signal } });
    supervisor.stop();
    setTimeout(() => {
      logger.error('processes did not stop in time: killing them');
      supervisor.kill();
      exit(1);
    }, config.shutdownTimeoutMs + 5_000).unref();
  });
}
process.on('exit', () => supervisor.kill());
exit(await supervisor.done);
