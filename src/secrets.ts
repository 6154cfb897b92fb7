// Generation and hashing of the secrets Lumetry hands out, with Web Crypto only.
// API keys are 256-bit random, so a fast SHA-256 is the right at-rest hash (no password stretching
// is needed for a value nobody can guess); only the hash and a short display prefix are stored.
import type { ApiKeyScope } from './storage/store.ts';

export interface GeneratedKey {
  /** Shown once to the person who created it, never stored. */
  readonly secret: string;
  readonly prefix: string;
  readonly hash: string;
}

export async function generateApiKey(scope: ApiKeyScope): Promise<GeneratedKey> {
  const secret = `lum_${scope}_${randomToken()}`;
  return { secret, prefix: apiKeyPrefix(secret), hash: await hashApiKey(secret) };
}

/** The part of a key that is safe to show in lists: type, scope and the first 6 random characters. */
export function apiKeyPrefix(secret: string): string {
  const scopeEnd = secret.indexOf('_', 4);
  return secret.slice(0, scopeEnd + 7);
}

export async function hashApiKey(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
  return toHex(new Uint8Array(digest));
}

/** A destination's signing secret, for the HMAC signature receivers verify. */
export function generateSigningSecret(): string {
  return `whsec_${randomToken()}`;
}

/** 256 random bits as base64url: API keys, signing secrets and session tokens. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
