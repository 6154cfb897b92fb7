// What one request carries besides Hono's context, passed as Hono's `env` (`c.env`): the server's
// facts, the request id, and what the telemetry around `app.fetch` reports once the response is
// made (who the caller was, the failure behind a 500), which it cannot read from the context.
import type { Context } from 'hono';
import type { ServerBindings } from '../runtime/types.ts';
import type { AppEnv } from './create-app.ts';

export class RequestScope {
  readonly requestId: string;
  /** Read when the request arrives: once the client has gone, the runtime no longer knows it. */
  readonly clientAddress: string | undefined;
  /** The tenant (organization.id) of an authenticated request. */
  tenantId: string | undefined = undefined;
  /** The API key (user.id) behind an authenticated request. */
  apiKeyId: string | undefined = undefined;
  /** An unhandled failure that became a 500. */
  error: Error | undefined = undefined;

  constructor(server: ServerBindings | undefined, requestId: string) {
    this.requestId = requestId;
    this.clientAddress = server?.remoteAddress;
  }
}

export interface Caller {
  readonly tenantId: string;
  readonly apiKeyId: string;
  readonly admin: boolean;
}

/** Marks the request as made by an authenticated caller, for handlers and for its request event. */
export function actAs(c: Context<AppEnv>, caller: Caller): void {
  c.set('tenantId', caller.tenantId);
  c.set('admin', caller.admin);
  c.env.tenantId = caller.tenantId;
  c.env.apiKeyId = caller.apiKeyId;
}
