// The ECS fields of one request event: method, path (never the query string, which can carry
// secrets), status, duration in nanoseconds, client, user agent, the request body size when sent, and the
// tenant (organization.id) and key (user.id) when authenticated. Never a body, an Authorization or
// Cookie header. Written once per request, so the JSON is built directly (every string that comes
// from the request is quoted and escaped); the dotted-name form is made only for text lines and
// log records. https://www.elastic.co/guide/en/ecs/current/ecs-http.html
import { type FlatFields, quote, Serialized } from '../telemetry/logger.ts';
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

export function accessEvent(scope: RequestScope, exchange: Exchange): Serialized {
  const { method, path, status, requestBytes, userAgent } = exchange;
  const outcome = status >= 400 ? 'failure' : 'success';
  const duration = Math.round(exchange.seconds * 1e9);
  const { requestId: id, tenantId, apiKeyId: keyId, clientAddress: address } = scope;
  const sized = requestBytes >= 0;
  let json =
    `"event":{"kind":"event","category":["web"],"type":["access"],"outcome":"${outcome}","duration":${duration}},` +
    `"http":{"request":{"method":${quote(method)},"id":${quote(id)}${sized ? `,"body":{"bytes":${requestBytes}}` : ''}},` +
    `"response":{"status_code":${status}}},"url":{"path":${quote(path)}}`;
  if (address) json += `,"client":{"address":${quote(address)},"ip":${quote(address)}}`;
  if (userAgent) json += `,"user_agent":{"original":${quote(userAgent)}}`;
  if (tenantId) json += `,"organization":{"id":${quote(tenantId)}}`;
  if (keyId) json += `,"user":{"id":${quote(keyId)}}`;
  return new Serialized(json, () => {
    const flat: FlatFields = {
      'event.kind': 'event',
      'event.category': ['web'],
      'event.type': ['access'],
      'event.outcome': outcome,
      'event.duration': duration,
      'http.request.method': method,
      'http.request.id': id,
      'http.response.status_code': status,
      'url.path': path,
    };
    if (sized) flat['http.request.body.bytes'] = requestBytes;
    if (address) flat['client.address'] = flat['client.ip'] = address;
    if (userAgent) flat['user_agent.original'] = userAgent;
    if (tenantId) flat['organization.id'] = tenantId;
    if (keyId) flat['user.id'] = keyId;
    return flat;
  });
}
