// Renders the effective settings for `lumetry config`. Secrets are masked here and nowhere else
// reads a secret for display: a database URL keeps its host, port and database, never its password.
import type { Setting } from './load.ts';

const mask = '********';

export function describeSettings(settings: readonly Setting[]): string {
  const width = Math.max(...settings.map((s) => s.name.length));
  return settings
    .map((s) => `${s.name.padEnd(width)}  ${display(s)}  (${s.source})`)
    .join('\n');
}

function display(setting: Setting): string {
  if (setting.value === undefined) return '-';
  if (!setting.secret) {
    if (typeof setting.value === 'object') return JSON.stringify(setting.value);
    const text = String(setting.value);
    return text.includes('\n') ? `(${text.length} characters read from the file)` : text;
  }
  return typeof setting.value === 'string' ? maskUrl(setting.value) : mask;
}

/** Keeps what helps a diagnosis (scheme, user, host, port, path) and masks what may be a credential. */
export function maskUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return mask;
  }
  if (url.password !== '') url.password = mask;
  for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, mask);
  return url.toString();
}
