// The ECS fields of one request event: method, path (never the query string, which can carry
// secrets), status, duration in nanoseconds, client, user agent, the request body size when sent, and the
// tenant (organization.id) and key (user.id) when authenticated. Never a body, an Authorization or
// Cookie header. Written once per request, so the JSON is built directly (every string that comes
// from the request goes through JSON.stringify); the object form is made only for text lines and
// log records. https://www.elastic.co/guide/en/ecs/current/ecs-http.html
import type { Context } from 'hono';
import { Serialized } from '../telemetry/logger.ts';
import type { AppEnv } from './create-app.ts';

export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly seconds: number;
  /** NaN when not known. */
  readonly requestBytes: number;
  readonly userAgent: string | undefined;
}

const text = JSON.stringify;

export function accessEvent(c: Context<AppEnv>, exchange: Exchange): Serialized {
  const { method, path, status, requestBytes, userAgent } = exchange;
  const outcome = status >= 400 ? 'failure' : 'success';
  const duration = Math.round(exchange.seconds * 1e9);
  const id = c.get('requestId');
  const address = c.env?.remoteAddress;
  const tenantId = c.get('tenantId');
  const keyId = c.get('apiKeyId');
  const sized = requestBytes >= 0;
  let json =
    `"event":{"kind":"event","category":["web"],"type":["access"],"outcome":"${outcome}","duration":${duration}},` +
    `"http":{"request":{"method":${text(method)},"id":${text(id)}${sized ? `,"body":{"bytes":${requestBytes}}` : ''}},` +
    `"response":{"status_code":${status}}},"url":{"path":${text(path)}}`;
  if (address) json += `,"client":{"address":${text(address)},"ip":${text(address)}}`;
  if (userAgent) json += `,"user_agent":{"original":${text(userAgent)}}`;
  if (tenantId) json += `,"organization":{"id":${text(tenantId)}}`;
  if (keyId) json += `,"user":{"id":${text(keyId)}}`;
  return new Serialized(json, () => ({
    event: { kind: 'event', category: ['web'], type: ['access'], outcome, duration },
    http: {
      request: { method, id, ...(sized ? { body: { bytes: requestBytes } } : {}) },
      response: { status_code: status },
    },
    url: { path },
    ...(address ? { client: { address, ip: address } } : {}),
    ...(userAgent ? { user_agent: { original: userAgent } } : {}),
    ...(tenantId ? { organization: { id: tenantId } } : {}),
    ...(keyId ? { user: { id: keyId } } : {}),
  }));
}
