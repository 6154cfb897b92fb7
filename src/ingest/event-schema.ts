// What ingest accepts: one event, or `{"events": [...]}` with 1 to 500 of them. Unknown fields are
// refused rather than silently dropped, so a client's typo shows up at once.
import * as v from 'valibot';

export const maxBatchSize = 500;
export const maxBodyBytes = 1024 * 1024;
export const maxDataBytes = 256 * 1024;

const token = (what: string) =>
  v.pipe(
    v.string('must be a string'),
    v.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, `must be 1 to 200 characters of letters, digits, dot, underscore, colon or hyphen, starting with a letter or digit (${what})`),
  );

const isoTimestamp = v.pipe(v.string(), v.isoTimestamp());
const timestampReason = 'must be an ISO 8601 date and time with a time zone, such as 2026-11-24T10:00:00Z';

/** A calendar date that exists (no 30 February) and a form Date.parse reads on every runtime. */
function isRealInstant(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return !Number.isNaN(Date.parse(text)) && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
}

export const eventSchema = v.strictObject(
  {
    type: token('the event type'),
    id: v.optional(token('your id for the event; a repeated id is accepted once')),
    timestamp: v.optional(
      v.pipe(
        v.string('must be a string'),
        v.check((text) => v.is(isoTimestamp, text) && isRealInstant(text), timestampReason),
      ),
    ),
    data: v.pipe(
      v.custom<Record<string, unknown>>((data) => typeof data === 'object' && data !== null && !Array.isArray(data), 'must be a JSON object'),
      v.check((data) => JSON.stringify(data).length <= maxDataBytes, `must be at most ${maxDataBytes} bytes of JSON`),
    ),
  },
  'must be an event object',
);

export const batchSchema = v.strictObject(
  {
    events: v.pipe(
      v.array(eventSchema, 'must be an array of events'),
      v.minLength(1, 'must hold at least one event'),
      v.maxLength(maxBatchSize, `must hold at most ${maxBatchSize} events`),
    ),
  },
  'must be an object',
);

export type EventInput = v.InferOutput<typeof eventSchema>;
