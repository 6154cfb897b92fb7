// Where deliveries may go. Always: http or https only. Optionally (LUMETRY_DESTINATION_ALLOWED_HOSTS)
// only to listed hosts, and (LUMETRY_DESTINATION_BLOCK_PRIVATE) never to an address that is not
// public, checked on the literal host and on every address its name resolves to. A name that cannot
// be resolved in time is not let through: the attempt fails and is retried. Resolution is checked
// just before each attempt; a name that changes its answer between the check and the connection is
// not caught here (put an egress proxy in front when that matters).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { withTimeout } from '../src/timeout.ts';

export interface OutboundPolicy {
  readonly allowedHosts: readonly string[] | undefined;
  readonly blockPrivate: boolean;
}

/** The host name could not be resolved (in time): a retryable failure, not a refusal. */
export class ResolutionFailed extends Error {
  override readonly name = 'ResolutionFailed';
}

/** Resolves a reason when the URL may not be called, null when it may; rejects with ResolutionFailed. */
export async function refusal(url: URL, policy: OutboundPolicy, resolve: (host: string) => Promise<string[]> = resolveAll, timeoutMs = 5_000): Promise<string | null> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https destinations are allowed';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (policy.allowedHosts && !policy.allowedHosts.some((pattern) => hostMatches(pattern, host))) {
    return 'the destination host is not in LUMETRY_DESTINATION_ALLOWED_HOSTS';
  }
  if (!policy.blockPrivate) return null;
  const addresses = isIP(host) ? [host] : await resolveWithin(resolve, host, timeoutMs);
  return addresses.some(isNonPublic) ? 'the destination resolves to a non-public address (LUMETRY_DESTINATION_BLOCK_PRIVATE)' : null;
}

async function resolveWithin(resolve: (host: string) => Promise<string[]>, host: string, timeoutMs: number): Promise<string[]> {
  try {
    const addresses = await withTimeout(resolve(host), timeoutMs, () => new ResolutionFailed(`could not resolve the destination host within ${timeoutMs} ms`));
    if (addresses.length === 0) throw new ResolutionFailed('the destination host has no address');
    return addresses;
  } catch (error) {
    if (error instanceof ResolutionFailed) throw error;
    const code = (error as { code?: unknown }).code;
    throw new ResolutionFailed(`could not resolve the destination host${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}

function hostMatches(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : pattern.replace(/^\[|\]$/g, '') === host;
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((entry) => entry.address);
}

/** Loopback, private, link-local, CGNAT, unspecified, multicast and reserved ranges, v4 and v6. */
export function isNonPublic(address: string): boolean {
  if (isIP(address) === 4) return isNonPublicV4(address);
  const groups = expandV6(address);
  if (!groups) return true;
  const embedded = `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  const zeros = (n: number) => groups.slice(0, n).every((g) => g === 0);
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated) and 64:ff9b::a.b.c.d (NAT64) reach IPv4 addresses.
  if ((zeros(5) && groups[5] === 0xffff) || (zeros(6) && (groups[6] !== 0 || groups[7]! > 1))) return isNonPublicV4(embedded);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return isNonPublicV4(embedded);
  const first = groups[0]!;
  return zeros(8) || (zeros(7) && groups[7] === 1) || (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
}

function isNonPublicV4(address: string): boolean {
  const [a, b] = address.split('.').map(Number) as [number, number];
  return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 198 && (b === 18 || b === 19));
}

/** Eight 16-bit groups of an IPv6 address (a dotted IPv4 tail included), or null if it is not one. */
function expandV6(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const start = parse(head);
  const end = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? start : [...start, ...Array(8 - start.length - end.length).fill(0), ...end];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}
