// Ids sort in creation order, even many within one millisecond, and carry their type prefix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId } from '../src/ids.ts';

test('ids made in the same millisecond still sort in creation order', () => {
  const now = 1_700_000_000_000;
  const ids = Array.from({ length: 1000 }, () => newId('ten', now));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

test('a later millisecond sorts after an earlier one and the id encodes its time', () => {
  const first = newId('dst', 1_700_000_000_500);
  const second = newId('dst', 1_700_000_000_501);
  assert.ok(first < second);
  assert.match(second, /^dst_[0-9A-HJKMNP-TV-Z]{26}$/);
});
