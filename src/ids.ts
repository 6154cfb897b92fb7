// Identifiers: a type prefix and a ULID (48-bit millisecond time + 80 random bits, Crockford
// base32), so ids sort by creation time and say what they name: `ten_01JD…`, `dst_01JD…`.
// Monotonic within a process, as the spec describes: ids made in the same millisecond increment the
// random part, so "newest first" lists stay in creation order. https://github.com/ulid/spec
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const randomBits = 80n;

export type IdPrefix = 'ten' | 'key' | 'dst' | 'evt' | 'dlv';

let lastTime = -1;
let lastRandom = 0n;

export function newId(prefix: IdPrefix, now = Date.now()): string {
  if (now <= lastTime && lastRandom + 1n < 1n << randomBits) {
    lastRandom += 1n;
  } else {
    lastTime = now;
    lastRandom = crypto.getRandomValues(new Uint8Array(10)).reduce((bits, byte) => (bits << 8n) | BigInt(byte), 0n);
  }
  return `${prefix}_${encode(BigInt(lastTime), 10)}${encode(lastRandom, 16)}`;
}

function encode(value: bigint, length: number): string {
  let text = '';
  for (let i = 0, rest = value; i < length; i++, rest >>= 5n) text = alphabet[Number(rest & 31n)] + text;
  return text;
}
