// Every schema migration, in order. A migration is never edited once released: add the next one.
import type { Dialect } from '../sql.ts';
import * as initial from './001-initial.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  sql(dialect: Dialect): string;
}

export const migrations: readonly Migration[] = [initial];
