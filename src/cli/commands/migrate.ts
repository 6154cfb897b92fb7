// `lumetry migrate`: brings the database schema up to date (every process also does this at start).
import { allowOnly } from '../args.ts';
import { type Command, print } from '../command.ts';

export const migrateCommand: Command = {
  words: ['migrate'],
  usage: 'lumetry migrate',
  summary: 'apply pending database migrations',
  run: async (context) => {
    allowOnly(context.flags, []);
    const { store, migrations } = await context.opened();
    const summary = `${store.dialect} schema at version ${migrations.version}; applied ${migrations.applied.length} migration(s) now`;
    print(context, summary, { dialect: store.dialect, ...migrations });
    return 0;
  },
};
