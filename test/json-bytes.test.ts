// Log lines are encoded straight into bytes: every string and number must come out exactly as
// JSON.stringify writes it (escapes, non-ASCII text, lone surrogates), the buffer must grow without
// losing what it holds, and a line past the writer's bound is dropped whole, never cut.
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fragment, JsonBytes, LineTooLong } from '../src/telemetry/json-bytes.ts';
import { fdLineWriter } from '../src/telemetry/line-writer.ts';

test('strings and numbers are written exactly as JSON.stringify writes them, the line and paragraph separators escaped as well', () => {
  const strings = ['', 'plain /v1/events', 'quote " and backslash \\', 'tab\tnew\nline\u0000nul\u001f', 'del \u007f', 'naïve café 東京 🚀', 'lone \ud800 high', 'lone \udc00 low', `a${'x'.repeat(5000)}"`];
  for (const value of strings) {
    const out = new JsonBytes(16, 1 << 20);
    out.string(value);
    assert.equal(out.toString(), JSON.stringify(value), `the string ${JSON.stringify(value).slice(0, 40)}`);
    assert.equal(JSON.parse(out.toString()), JSON.parse(JSON.stringify(value)));
  }
  const separators = new JsonBytes(16, 1024);
  separators.string('a\u2028b\u2029c é');
  assert.equal(separators.toString(), '"a\\u2028b\\u2029c é"', 'the line and paragraph separators escaped: line readers split at them');
  assert.equal(JSON.parse(separators.toString()), 'a\u2028b\u2029c é');
  const numbers = [0, -0, 7, 10, 123_456_789, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -1, 1.5, 1e21, 2.5e-7, Number.NaN, Number.POSITIVE_INFINITY];
  for (const value of numbers) {
    const out = new JsonBytes(4, 1024);
    out.number(value);
    assert.equal(out.toString(), JSON.stringify(value), `the number ${value}`);
  }
});

test('pieces short and long, and text in UTF-8, keep their order as the buffer grows', () => {
  const out = new JsonBytes(8, 1 << 20);
  const short = fragment('{"a":');
  const long = fragment(`"${'y'.repeat(100)}"`);
  let expected = '';
  for (let i = 0; i < 200; i++) {
    out.raw(i % 2 === 0 ? short : long);
    out.text('é€');
    out.byte(0x2c);
    out.chars(`k${i}`);
    expected += `${i % 2 === 0 ? '{"a":' : `"${'y'.repeat(100)}"`}é€,k${i}`;
  }
  assert.equal(out.toString(), expected);
  assert.equal(out.bytes().length, Buffer.byteLength(expected));
});

test('writing past the limit throws, and what was written before stays', () => {
  const out = new JsonBytes(16, 64);
  out.text('x'.repeat(10));
  assert.throws(() => out.raw(new Uint8Array(100)), LineTooLong);
  assert.throws(() => out.text('é'.repeat(30)), LineTooLong, '60 bytes do not fit in the 54 left');
  assert.equal(out.toString(), 'x'.repeat(10));
  out.text('y'.repeat(54));
  assert.equal(out.toString(), `${'x'.repeat(10)}${'y'.repeat(54)}`, 'text up to the limit fits, though three bytes a character would not');
});

test('a line that does not fit the writer is dropped whole and counted; the lines around it arrive', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'lumetry-bytes-')), 'out');
  const fd = openSync(file, 'w');
  const writer = fdLineWriter(fd, 4096);
  writer.write('before\n');
  writer.encode((out) => {
    out.text('{"big":');
    out.string('z'.repeat(10_000));
    out.text('}\n');
  });
  writer.encode(() => {
    throw new Error('a line that cannot be made');
  });
  writer.write('after\n');
  await writer.flush();
  closeSync(fd);
  assert.equal(writer.dropped, 2);
  assert.equal(readFileSync(file, 'utf8'), 'before\nafter\n');
});
