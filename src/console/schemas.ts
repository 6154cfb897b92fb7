// Request bodies and query strings of the console API.
import * as v from 'valibot';
import { destinationName, destinationUrl, eventTypePattern } from '../input-schemas.ts';

const eventTypes = v.pipe(v.array(eventTypePattern, 'must be an array of event types'), v.minLength(1, 'must name at least one event type'), v.maxLength(50, 'must name at most 50 event types'));

export const newDestination = v.strictObject({
  url: destinationUrl,
  name: v.optional(destinationName),
  eventTypes: v.optional(eventTypes, ['*']),
  enabled: v.optional(v.boolean('must be true or false'), true),
});

export const destinationPatch = v.pipe(
  v.strictObject({
    url: v.optional(destinationUrl),
    name: v.optional(destinationName),
    eventTypes: v.optional(eventTypes),
    enabled: v.optional(v.boolean('must be true or false')),
  }),
  v.check((patch) => Object.keys(patch).length > 0, 'must change at least one of url, name, eventTypes, enabled'),
);

const limit = v.optional(v.pipe(v.string(), v.digits('must be a whole number'), v.transform(Number), v.minValue(1, 'must be from 1 to 200'), v.maxValue(200, 'must be from 1 to 200')), '50');
const before = v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'must be an id from the previous page')));

export const eventQuery = v.strictObject({ limit, before });
export const deliveryQuery = v.strictObject({ limit, before, status: v.optional(v.picklist(['pending', 'delivered', 'dead'], 'must be pending, delivered or dead')) });
