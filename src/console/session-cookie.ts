// The console's session cookie: a random 256-bit value the browser keeps; the database keeps only its
// SHA-256 hash. HttpOnly (no script can read it), SameSite=Strict (never sent on cross-site requests),
// Path=/, and Secure with the __Host- prefix whenever the request came over HTTPS, directly or through
// a proxy that says so in X-Forwarded-Proto.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { hashApiKey } from '../secrets.ts';

const plainName = 'lumetry_session';
const secureName = '__Host-lumetry_session';

export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, secureName) ?? getCookie(c, plainName);
}

export function writeSessionCookie(c: Context, value: string, maxAgeSeconds: number): void {
  const secure = isHttps(c);
  setCookie(c, secure ? secureName : plainName, value, { httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge: maxAgeSeconds });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, plainName, { path: '/' });
  deleteCookie(c, secureName, { path: '/', secure: true });
}

/** Sessions are stored under the same kind of hash as API keys. */
export const hashSessionToken = hashApiKey;
