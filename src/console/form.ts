// The console's form posts (login, CSRF-checked page actions, adding a destination). A body that
// claims to be a form but cannot be read as one is the client's mistake: 400, not a 500 and an
// error event that any client could set off.
import type { Context } from 'hono';
import { ApiError } from '../http/api-error.ts';

export type Form = Awaited<ReturnType<Context['req']['parseBody']>>;

export async function readForm(c: Context): Promise<Form> {
  try {
    return await c.req.parseBody();
  } catch {
    throw new ApiError('invalid_form', 'the body is not a readable form');
  }
}
