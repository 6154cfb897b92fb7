// The writer starts with a 64 KiB buffer and grows it as an export request needs: a fixed-width
// value written just as the buffer grows (a span's times, a double attribute, a span's flags) must
// land in the new buffer, not the old one, for every batch size a collector may receive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtobufWriter } from '../src/telemetry/otlp/protobuf-writer.ts';
import { fixed64, readMessage } from './helpers/protobuf.ts';

test('fixed-width values written as the buffer grows decode to what was written', () => {
  const time = 1_764_000_000_123_456_789n;
  for (let filler = 65_500; filler < 65_540; filler++) {
    const writer = new ProtobufWriter();
    writer.bytes(1, new Uint8Array(filler));
    writer.nanos(2, 1_764_000_000_123, 456_789);
    writer.double(3, 0.25);
    writer.fixed32(4, 0x301);
    const message = readMessage(writer.finish());
    assert.equal(fixed64(message, 2), time, `fixed64 after ${filler} bytes`);
    assert.equal(Buffer.from(message.get(3)![0] as Uint8Array).readDoubleLE(), 0.25, `double after ${filler} bytes`);
    assert.equal(Buffer.from(message.get(4)![0] as Uint8Array).readUInt32LE(), 0x301, `fixed32 after ${filler} bytes`);
  }
});

test('a time in milliseconds and nanoseconds is written as the exact fixed64 nanoseconds since the epoch', () => {
  // Around 2^32 in either part, where the halves carry into each other, and today.
  const cases: [number, number][] = [[0, 0], [1, 0], [0x1_0000_0000 - 1, 0], [0x1_0000_0000, 0], [Date.now(), 0], [Date.now(), 999_999], [1_764_000_000_123, 0x1_0000_0000 - 1], [1_764_000_000_123, 0x1_0000_0000], [1_764_000_000_123, 3_600 * 1e9], [2 ** 42 - 1, 2 ** 40]];
  for (const [ms, nanos] of cases) {
    const writer = new ProtobufWriter();
    writer.nanos(1, ms, nanos);
    assert.equal(fixed64(readMessage(writer.finish()), 1), BigInt(ms) * 1_000_000n + BigInt(nanos), `${ms} ms and ${nanos} ns`);
  }
});
