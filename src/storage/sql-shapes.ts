// Keeps the number of distinct SQL texts small. Both drivers prepare and cache one statement per
// text, so `IN ($1…$n)` and multi-row VALUES with every possible n would grow memory without bound
// (one statement per batch size seen). IN lists are padded to a power of two by repeating their
// last value, which IN ignores; inserts are cut into chunks of a few fixed sizes.
import type { Param } from './sql.ts';

const insertSizes = [256, 64, 16, 4, 1];

/** `$first, …` placeholders for `values`, padded to a power of two; returns the padded params. */
export function inList(values: readonly Param[], first: number): { sql: string; params: Param[] } {
  if (values.length === 0) throw new Error('an IN list needs at least one value');
  const size = 2 ** Math.ceil(Math.log2(values.length));
  const params = [...values];
  while (params.length < size) params.push(values[values.length - 1]!);
  return { sql: Array.from({ length: size }, (_, i) => `$${first + i}`).join(', '), params };
}

/** Splits rows into chunks whose sizes come from a small fixed set (at most 256 rows each). */
export function insertChunks<T>(rows: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (const size of insertSizes) {
    while (rows.length - start >= size) {
      chunks.push(rows.slice(start, start + size));
      start += size;
    }
  }
  return chunks;
}

/** `($1, $2, …), (…)` for `rows` rows of `columns` placeholders each, starting at `$first`. */
export function valuesRows(rows: number, columns: number, first = 1): string {
  return Array.from({ length: rows }, (_, r) => `(${Array.from({ length: columns }, (_, c) => `$${first + r * columns + c}`).join(', ')})`).join(', ');
}
