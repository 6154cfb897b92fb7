// Valibot schemas for environment values. Every value arrives as a string; each schema says in its
// error message what it wants, because that message is what the operator reads.
import * as v from 'valibot';

export function wholeNumber(min: number, max: number) {
  const range = `must be a whole number from ${min} to ${max}`;
  return v.pipe(
    v.string(),
    v.regex(/^\d+$/, range),
    v.transform(Number),
    v.minValue(min, range),
    v.maxValue(max, range),
  );
}

export const port = wholeNumber(0, 65535);

export function oneOf<const T extends readonly [string, ...string[]]>(options: T) {
  return v.picklist(options, `must be one of ${options.join(', ')}`);
}

export const hostname = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9.:_-]+$/, 'must be a host name or an IP address'),
);

export const directory = v.pipe(v.string(), v.regex(/^[^\0]+$/, 'must be a directory path'));

export const postgresUrl = v.pipe(
  v.string(),
  v.check((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be a postgres:// or postgresql:// URL with a host'),
);

export const boolean = v.pipe(
  v.string(),
  v.picklist(['true', 'false'], 'must be true or false'),
  v.transform((value) => value === 'true'),
);

/** Comma-separated host names; `*.example.com` also matches every subdomain. */
export const hostPatterns = v.pipe(
  v.string(),
  v.transform((value) => value.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part !== '')),
  v.check(
    (patterns) => patterns.length > 0 && patterns.every((p) => /^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$|^\[?[0-9a-f:.]+\]?$/.test(p)),
    'must be a comma-separated list of host names, such as hooks.example.com,*.partner.example',
  ),
);

const reservedPaths = ['/livez', '/readyz', '/startupz', '/healthz', '/api', '/v1', '/login', '/logout'];

export const metricsPath = v.pipe(
  v.string(),
  v.regex(/^\/[A-Za-z0-9._~\/-]*$/, 'must be a URL path starting with /'),
  v.check((path) => path !== '/' && !reservedPaths.some((r) => path === r || path.startsWith(`${r}/`)), `must not be / or under ${reservedPaths.join(', ')}`),
);
