// Statement shapes stay few whatever the batch sizes, so prepared-statement caches stay bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inList, insertChunks, valuesRows } from '../src/storage/sql-shapes.ts';

test('IN lists are padded to a power of two with a value already in the list', () => {
  assert.deepEqual(inList(['a', 'b', 'c'], 2), { sql: '$2, $3, $4, $5', params: ['a', 'b', 'c', 'c'] });
  assert.deepEqual(inList(['a'], 1), { sql: '$1', params: ['a'] });
  const shapes = new Set(Array.from({ length: 500 }, (_, n) => inList(Array.from({ length: n + 1 }, (_, i) => i), 1).sql));
  assert.equal(shapes.size, 10, 'every list from 1 to 500 values uses one of 10 texts');
});

test('insert chunks keep every row, in order, in chunks of five possible sizes', () => {
  const sizes = new Set<number>();
  for (let n = 0; n <= 700; n++) {
    const rows = Array.from({ length: n }, (_, i) => i);
    const chunks = insertChunks(rows);
    assert.deepEqual(chunks.flat(), rows);
    for (const chunk of chunks) sizes.add(chunk.length);
  }
  assert.deepEqual([...sizes].sort((a, b) => a - b), [1, 4, 16, 64, 256]);
});

test('VALUES rows number their placeholders in order', () => {
  assert.equal(valuesRows(2, 3, 4), '($4, $5, $6), ($7, $8, $9)');
});
