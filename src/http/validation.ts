// Turns valibot issues into the API's field problems: a readable path (`events[3].type`) and a
// reason. An unknown field is reported as such rather than as valibot's "Expected never".
import * as v from 'valibot';
import { ApiError, type FieldProblem } from './api-error.ts';

export function validate<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw new ApiError('validation_failed', 'the request body is not valid', result.issues.slice(0, 50).map(toFieldProblem));
}

function toFieldProblem(issue: v.BaseIssue<unknown>): FieldProblem {
  const path = (issue.path ?? []).reduce<string>(
    (text, item) => (typeof item.key === 'number' ? `${text}[${item.key}]` : text === '' ? String(item.key) : `${text}.${String(item.key)}`),
    '',
  );
  const reason = issue.type === 'strict_object' && issue.expected === 'never' ? 'unknown field' : issue.message;
  return { path: path === '' ? '(body)' : path, reason };
}
