// ECS `error.*` fields for any thrown value; a non-Error is recorded, never rethrown.
// https://www.elastic.co/guide/en/ecs/current/ecs-error.html
export function errorFields(error: unknown): Record<string, string> {
  if (error instanceof Error) {
    return { type: error.name, message: error.message, stack_trace: error.stack ?? '' };
  }
  return { type: typeof error, message: String(error) };
}
