// Whether a destination's event-type patterns take an event: `*` takes every type, `order.*` takes
// `order.created` and `order.paid.late` (not `order` itself), anything else must match exactly.
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) =>
    pattern === '*' ? true : pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type,
  );
}
