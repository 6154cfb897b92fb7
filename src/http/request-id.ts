// Request ids: the caller's own X-Request-Id when it is a sane token (so a request can be followed
// through a proxy), otherwise a new one: a random prefix per app and a counter, unique across
// instances without the cost of a random UUID on every request (an id need not be secret).
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** Returns the id for a request, given the X-Request-Id it arrived with. */
export function requestIds(): (incoming: string | undefined) => string {
  const prefix = crypto.randomUUID().slice(0, 13);
  let counter = 0;
  return (incoming) => (incoming !== undefined && acceptable.test(incoming) ? incoming : `${prefix}-${(++counter).toString(36)}`);
}
