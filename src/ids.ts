// Identifiers: a type prefix and a ULID (48-bit millisecond time + 80 random bits, Crockford
// base32), so ids sort by creation time and say what they name: `ten_01JD…`, `dst_01JD…`.
// https://github.com/ulid/spec
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type IdPrefix = 'ten' | 'key' | 'dst' | 'evt' | 'dlv';

export function newId(prefix: IdPrefix, now = Date.now()): string {
  const random = crypto.getRandomValues(new Uint8Array(10));
  let time = '';
  for (let i = 0, rest = now; i < 10; i++, rest = Math.floor(rest / 32)) time = alphabet[rest % 32] + time;
  let bits = 0n;
  for (const byte of random) bits = (bits << 8n) | BigInt(byte);
  let tail = '';
  for (let i = 0; i < 16; i++, bits >>= 5n) tail = alphabet[Number(bits & 31n)] + tail;
  return `${prefix}_${time}${tail}`;
}
