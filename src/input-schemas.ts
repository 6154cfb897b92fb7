// Valibot schemas for values a person or a client types: shared by the CLI and the HTTP APIs, so
// the same input is accepted or refused the same way everywhere.
import * as v from 'valibot';

export const tenantName = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'must be 1 to 64 characters: letters, digits, space, dot, underscore or hyphen, starting with a letter or digit'),
);

export const destinationUrl = v.pipe(
  v.string(),
  v.maxLength(2048, 'must be at most 2048 characters'),
  v.check((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL with a host and no user name or password in it'),
);

/** An event type, or a pattern: `*` for every type, `prefix.*` for every type under a prefix. */
export const eventTypePattern = v.pipe(
  v.string(),
  v.regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._:-]{0,127}(\.\*)?)$/, 'must be *, an event type, or a prefix ending in .*'),
);

export const destinationName = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters'));
