// ECS `error.*` fields for any thrown value; a non-Error is recorded, never rethrown, and nothing
// here throws: it runs in the uncaughtException and unhandledRejection handlers, where a throw
// would replace the real failure. https://www.elastic.co/guide/en/ecs/current/ecs-error.html
import { inspect } from 'node:util';

export function errorFields(error: unknown): Record<string, string> {
  try {
    if (error instanceof Error) return { type: String(error.name), message: String(error.message), stack_trace: String(error.stack ?? '') };
  } catch {
    // a getter that throws, or a revoked Proxy: described below like any other value
  }
  return { type: typeof error, message: describe(error) };
}

/** `String(value)`, or for a value it throws on (`Object.create(null)`, a throwing toString) how the console shows it. */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return inspect(value);
    } catch {
      return 'a thrown value that cannot be described';
    }
  }
}
