// The Lumetry-Signature header a receiver uses to check that a delivery came from Lumetry, unaltered:
//   Lumetry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>", keyed with the
//   destination's signing secret (the whole whsec_… string, as UTF-8)>
// A receiver recomputes v1 over the raw body, compares in constant time, and rejects a t that is
// too old (five minutes is usual) to stop replays. docs/deliveries.md has a verification example.
const encoder = new TextEncoder();
const maxCachedKeys = 1000;
// Importing a key costs about as much as signing; a worker signs for the same few destinations
// over and over, so imported keys are kept (least recently used out first).
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (key) keys.delete(secret);
  else key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  keys.set(secret, key);
  if (keys.size > maxCachedKeys) keys.delete(keys.keys().next().value!);
  return key;
}

export async function signatureHeader(secret: string, timestampSeconds: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`${timestampSeconds}.${body}`));
  return `t=${timestampSeconds},v1=${Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
