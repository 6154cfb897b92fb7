// The `lumetry` command line: finds the command named by the leading words, loads the configuration
// as the services do, and turns every failure into a message and an exit code.
import { loadConfig } from '../config/load.ts';
import { configErrorExitCode, formatProblems } from '../config/report.ts';
import { loadRuntime } from '../runtime/index.ts';
import { type OpenedStore, openStore } from '../storage/open-store.ts';
import { StoreError } from '../storage/store-error.ts';
import { parse } from './args.ts';
import type { Command } from './command.ts';
import { configCommand } from './commands/config.ts';
import { destinationAdd, destinationList } from './commands/destination.ts';
import { keyCreate, keyList, keyRevoke } from './commands/key.ts';
import { migrateCommand } from './commands/migrate.ts';
import { receiveCommand } from './commands/receive.ts';
import { tenantCreate, tenantList } from './commands/tenant.ts';
import { type CliIo, exitCodes, UsageError } from './io.ts';

export const commands: readonly Command[] = [
  configCommand,
  migrateCommand,
  tenantCreate,
  tenantList,
  keyCreate,
  keyList,
  keyRevoke,
  destinationAdd,
  destinationList,
  receiveCommand,
];

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let opened: Promise<OpenedStore> | undefined;
  try {
    const { words, flags } = parse(argv);
    const command = commands.find((c) => c.words.every((word, i) => words[i] === word));
    if (!command || flags.help) {
      io[command || flags.help || words.length === 0 ? 'out' : 'err'](help(command));
      return command || flags.help || words.length === 0 ? exitCodes.ok : exitCodes.usage;
    }
    const loaded = loadConfig(io.env, io.cwd);
    if (!loaded.ok) {
      io.err(formatProblems(loaded.problems));
      return configErrorExitCode;
    }
    const config = loaded.config;
    const open = () => (opened ??= loadRuntime().then((runtime) => openStore(config, runtime, 'lumetry-cli')));
    return await command.run({
      io,
      config,
      settings: loaded.settings,
      args: words.slice(command.words.length),
      flags,
      opened: open,
      store: async () => (await open()).store,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`lumetry: ${error.message}\n`);
      return exitCodes.usage;
    }
    if (error instanceof StoreError) {
      io.err(`lumetry: ${error.message}\n`);
      return exitCodes.failure;
    }
    io.err(`lumetry: ${(error as Error).message ?? String(error)}\n`);
    return exitCodes.failure;
  } finally {
    await opened?.then(({ store }) => store.close(), () => undefined);
  }
}

function help(command: Command | undefined): string {
  if (command) return `usage: ${command.usage}\n  ${command.summary}\n  --json prints the result as JSON\n`;
  return ['usage: lumetry COMMAND [--json]', '', ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`), ''].join('\n');
}
