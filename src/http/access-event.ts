// The ECS fields of one request event: method, path (never the query string, which can carry
// secrets), status, duration in nanoseconds, client, user agent, the request body size when sent, and the
// tenant (organization.id) and key (user.id) when authenticated. Never a body, an Authorization or
// Cookie header. Written once per request, so the JSON is encoded directly from the request's facts
// (every string that comes from the request is quoted and escaped); the dotted-name form is made
// only for text lines and log records. https://www.elastic.co/guide/en/ecs/current/ecs-http.html
import { fragment, type JsonBytes } from '../telemetry/json-bytes.ts';
import { type FlatFields, Serialized } from '../telemetry/logger.ts';
import { ipOf } from './client-ip.ts';
import type { RequestScope } from './request-scope.ts';

export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly seconds: number;
  /** NaN when not known. */
  readonly requestBytes: number;
  readonly userAgent: string | undefined;
}

type Outcome = 'success' | 'failure';

/** The JSON before each value, from the closing of the one before it. */
const eventKey = (outcome: Outcome) => fragment(`"event":{"kind":"event","category":["web"],"type":["access"],"outcome":"${outcome}","duration":`);
const eventKeys: Record<Outcome, Uint8Array> = { success: eventKey('success'), failure: eventKey('failure') };
const methodKey = fragment('},"http":{"request":{"method":');
const idKey = fragment(',"id":');
const bodyBytesKey = fragment(',"body":{"bytes":');
const statusKey = fragment('},"response":{"status_code":');
const pathKey = fragment('}},"url":{"path":');
const clientKey = fragment('},"client":{"address":');
const ipKey = fragment(',"ip":');
const userAgentKey = fragment('},"user_agent":{"original":');
const organizationKey = fragment('},"organization":{"id":');
const userKey = fragment('},"user":{"id":');
const close = 0x7d;
const web: readonly string[] = Object.freeze(['web']);
const access: readonly string[] = Object.freeze(['access']);

export class AccessEvent extends Serialized {
  readonly #scope: RequestScope;
  readonly #exchange: Exchange;

  constructor(scope: RequestScope, exchange: Exchange) {
    super();
    this.#scope = scope;
    this.#exchange = exchange;
  }

  encode(out: JsonBytes): void {
    const { requestId, tenantId, apiKeyId, clientAddress } = this.#scope;
    const exchange = this.#exchange;
    out.raw(eventKeys[outcome(exchange)]);
    out.number(duration(exchange));
    out.raw(methodKey);
    out.string(exchange.method);
    out.raw(idKey);
    out.string(requestId);
    if (exchange.requestBytes >= 0) {
      out.raw(bodyBytesKey);
      out.number(exchange.requestBytes);
      out.byte(close);
    }
    out.raw(statusKey);
    out.number(exchange.status);
    out.raw(pathKey);
    out.string(exchange.path);
    if (clientAddress) {
      out.raw(clientKey);
      out.string(clientAddress);
      out.raw(ipKey);
      out.string(ipOf(clientAddress));
    }
    if (exchange.userAgent) {
      out.raw(userAgentKey);
      out.string(exchange.userAgent);
    }
    if (tenantId) {
      out.raw(organizationKey);
      out.string(tenantId);
    }
    if (apiKeyId) {
      out.raw(userKey);
      out.string(apiKeyId);
    }
    out.byte(close);
  }

  visit(visit: (name: string, value: FlatFields[string]) => void): void {
    const { requestId, tenantId, apiKeyId, clientAddress } = this.#scope;
    const exchange = this.#exchange;
    visit('event.kind', 'event');
    visit('event.category', web);
    visit('event.type', access);
    visit('event.outcome', outcome(exchange));
    visit('event.duration', duration(exchange));
    visit('http.request.method', exchange.method);
    visit('http.request.id', requestId);
    visit('http.response.status_code', exchange.status);
    visit('url.path', exchange.path);
    if (exchange.requestBytes >= 0) visit('http.request.body.bytes', exchange.requestBytes);
    if (clientAddress) {
      visit('client.address', clientAddress);
      visit('client.ip', ipOf(clientAddress));
    }
    if (exchange.userAgent) visit('user_agent.original', exchange.userAgent);
    if (tenantId) visit('organization.id', tenantId);
    if (apiKeyId) visit('user.id', apiKeyId);
  }
}

function outcome(exchange: Exchange): Outcome {
  return exchange.status >= 400 ? 'failure' : 'success';
}

/** Nanoseconds. */
function duration(exchange: Exchange): number {
  return Math.round(exchange.seconds * 1e9);
}
