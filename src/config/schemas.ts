// Valibot schemas for environment values. Every value arrives as a string; each schema says in its
// error message what it wants, because that message is what the operator reads.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/** One of `options` (all lower case), in any case: the OpenTelemetry specification reads enum values that way. */
export function oneOf<const T extends readonly [string, ...string[]]>(options: T) {
  return v.pipe(v.string(), v.toLowerCase(), v.picklist(options, `must be one of ${options.join(', ')}`));
}

/** The one value Lumetry supports for a standard variable; `why` says what to do instead. */
export function only<const T extends string>(value: T, why: string) {
  return v.pipe(v.string(), v.toLowerCase(), v.literal(value, `only ${value} is supported: ${why}`));
}

export const hostname = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9.:_-]+$/, 'must be a host name or an IP address'),
);

export const directory = v.pipe(v.string(), v.regex(/^[^\0]+$/, 'must be a directory path'));

/** A URL with one of `schemes` (such as `https:`) and a host. */
function urlWith(schemes: readonly string[], message: string) {
  return v.pipe(
    v.string(),
    v.check((value) => {
      try {
        const url = new URL(value);
        return schemes.includes(url.protocol) && url.hostname !== '';
      } catch {
        return false;
      }
    }, message),
  );
}

export const postgresUrl = urlWith(['postgres:', 'postgresql:'], 'must be a postgres:// or postgresql:// URL with a host');

/** `true` or `false` in any case, as the OpenTelemetry specification requires of its booleans. */
export const boolean = v.pipe(
  v.string(),
  v.toLowerCase(),
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

/** An http:// or https:// URL, as OTLP endpoints are given. */
export const httpUrl = urlWith(['http:', 'https:'], 'must be an http:// or https:// URL');

/** An egress proxy: http:// or https:// and a host, with no path, query or fragment. */
export const proxyUrl = v.pipe(
  v.string(),
  v.check((value) => {
    try {
      const url = new URL(value);
      return ['http:', 'https:'].includes(url.protocol) && url.hostname !== '' && url.pathname === '/' && url.search === '' && url.hash === '';
    } catch {
      return false;
    }
  }, 'must be the http:// or https:// URL of the proxy, with no path or query'),
);

/**
 * NO_PROXY: comma-separated host names, .domains, addresses (with a port or a CIDR length), or `*`.
 * Each runtime reads the entries its own way, so only what no client could read is refused: a URL.
 */
export const noProxyList = v.pipe(
  v.string(),
  v.check((value) => !value.includes('://') && !/\S\s+\S/.test(value.replace(/\s*,\s*/g, ',')), 'must be a comma-separated list of host names, .domains or addresses (no scheme), or *'),
);

/**
 * `key=value` pairs separated by commas or new lines (a headers file has one a line), values
 * percent-decoded as the OpenTelemetry specification says. The message never repeats a value.
 */
export const keyValueList = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const pairs: Record<string, string> = {};
    for (const entry of dataset.value.split(/[,\n]/).map((part) => part.trim()).filter((part) => part !== '')) {
      const at = entry.indexOf('=');
      const key = at > 0 ? entry.slice(0, at).trim() : '';
      let value: string | undefined;
      try {
        value = decodeURIComponent(entry.slice(at + 1).trim());
      } catch {
        value = undefined;
      }
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key) || value === undefined) {
        addIssue({ message: 'must be key=value pairs separated by commas or lines, values percent-encoded' });
        return NEVER;
      }
      pairs[key] = value;
    }
    return pairs;
  }),
);

/**
 * OTLP headers (gRPC metadata): key=value pairs whose keys are letters, digits, `-`, `_` and `.`
 * and whose decoded values are printable ASCII, the characters both HTTP and gRPC metadata accept.
 * Anything else would only fail at start-up or at every export, with the value in the error.
 * Binary (`-bin`) metadata is not offered. Keys are lower-cased: header names ignore case.
 */
export const headerList = v.pipe(
  keyValueList,
  v.check((pairs) => Object.keys(pairs).every((key) => /^[A-Za-z0-9_.-]+$/.test(key) && !/-bin$/i.test(key)), 'header names must be letters, digits, -, _ or . (binary -bin headers are not supported)'),
  v.check((pairs) => Object.values(pairs).every((value) => /^[\x20-\x7e]*$/.test(value)), 'header values must be printable ASCII once percent-decoded (no control characters or non-ASCII)'),
  v.transform((pairs) => Object.fromEntries(Object.entries(pairs).map(([key, value]) => [key.toLowerCase(), value]))),
);

/** A path to a readable file; the value is the file's text. */
export const readableFile = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return readFileSync(dataset.value, 'utf8');
    } catch (error) {
      addIssue({ message: `cannot read file ${dataset.value} (${(error as { code?: string }).code ?? 'unreadable'})` });
      return NEVER;
    }
  }),
);

/** A readable PEM file of one or more CA certificates; the value is the file's text. */
export const certificateFile = v.pipe(
  readableFile,
  v.check((text) => {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    return blocks.length > 0 && blocks.every(isCertificate);
  }, 'must be a PEM file of CA certificates (-----BEGIN CERTIFICATE-----)'),
);

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

/** A fraction from 0 to 1, as a sampling ratio. */
export const fraction = v.pipe(
  v.string(),
  v.regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'must be a number from 0 to 1'),
  v.transform(Number),
);

/** A short name of letters, digits, dots, dashes and underscores. */
export const label = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores'));
