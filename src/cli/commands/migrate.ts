// `lumetry migrate`: brings the database schema up to date (every process also does this at start).
import { allowOnly } from '../args.ts';
import { type Command, print } from '../command.ts';

export const migrateCommand: Command = {
  words: ['migrate'],
  usage: 'lumetry migrate',
  summary: 'apply pending database migrations',
  run: async (context) => {
    allowOnly(context.flags, []);
    const store = await context.store();
    print(context, `schema is up to date (${store.dialect})`, { dialect: store.dialect });
    return 0;
  },
};
