// Where deliveries may go. Always: http or https only. Optionally (LUMETRY_DESTINATION_ALLOWED_HOSTS)
// only to listed hosts, and (LUMETRY_DESTINATION_BLOCK_PRIVATE) never to an address that is not
// public, checked on the literal host and on every address its name resolves to. Resolution is
// checked just before each attempt; a name that changes its answer between the check and the
// connection is not caught here (put an egress proxy in front when that matters).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface OutboundPolicy {
  readonly allowedHosts: readonly string[] | undefined;
  readonly blockPrivate: boolean;
}

/** Resolves a reason when the URL may not be called, null when it may. */
export async function refusal(url: URL, policy: OutboundPolicy, resolve = resolveAll): Promise<string | null> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https destinations are allowed';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (policy.allowedHosts && !policy.allowedHosts.some((pattern) => hostMatches(pattern, host))) {
    return 'the destination host is not in LUMETRY_DESTINATION_ALLOWED_HOSTS';
  }
  if (!policy.blockPrivate) return null;
  const addresses = isIP(host) ? [host] : await resolve(host).catch(() => []);
  if (addresses.length === 0) return null;
  return addresses.some(isNonPublic) ? 'the destination resolves to a non-public address (LUMETRY_DESTINATION_BLOCK_PRIVATE)' : null;
}

function hostMatches(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : pattern.replace(/^\[|\]$/g, '') === host;
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((entry) => entry.address);
}

/** Loopback, private, link-local, CGNAT, unspecified, multicast and reserved ranges, v4 and v6. */
export function isNonPublic(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isNonPublic(mapped[1]!);
  if (isIP(address) === 4) {
    const [a, b] = address.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 198 && (b === 18 || b === 19));
  }
  const text = address.toLowerCase();
  return text === '::' || text === '::1' || /^f[cd]/.test(text) || /^fe[89ab]/.test(text) || text.startsWith('ff');
}
