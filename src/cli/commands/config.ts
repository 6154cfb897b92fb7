// `lumetry config`: the effective settings with their sources, secrets masked.
import { describeSettings } from '../../config/describe.ts';
import { allowOnly } from '../args.ts';
import type { Command } from '../command.ts';

export const configCommand: Command = {
  words: ['config'],
  usage: 'lumetry config',
  summary: 'print the effective settings (secrets masked) and where each came from',
  run: async (context) => {
    allowOnly(context.flags, []);
    context.io.out(`${describeSettings(context.settings)}\n`);
    return 0;
  },
};
