// One ECS event per HTTP request, written after the response: method, path (never the query string,
// which can carry secrets), status, duration in nanoseconds, client, user agent, body sizes when
// known, and the tenant (organization.id) and key (user.id) when authenticated. Never a body, an
// Authorization or Cookie header. Probes and scrapes are logged at debug unless asked for, so a
// kubelet polling every few seconds does not flood the log; they still count in the metrics.
// https://www.elastic.co/guide/en/ecs/current/ecs-http.html
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../telemetry/logger.ts';
import type { AppEnv } from './create-app.ts';

export interface RequestLogOptions {
  /** Paths of probes and scrapes, logged at debug unless `logProbes`. */
  readonly quietPaths: readonly string[];
  readonly logProbes: boolean;
}

export function requestLog(logger: Logger, options: RequestLogOptions): MiddlewareHandler<AppEnv> {
  const quiet = (path: string) => !options.logProbes && options.quietPaths.some((q) => path === q || path.startsWith(`${q}/`));
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const path = c.req.path;
      const requestBytes = Number(c.req.header('content-length') ?? Number.NaN);
      const responseBytes = Number(c.res.headers.get('content-length') ?? Number.NaN);
      const address = c.env?.remoteAddress;
      const userAgent = c.req.header('user-agent');
      const tenantId = c.get('tenantId');
      const keyId = c.get('apiKeyId');
      (quiet(path) ? logger.debug : logger.info)(`${c.req.method} ${path} ${status}`, {
        event: { kind: 'event', category: ['web'], type: ['access'], outcome: status >= 400 ? 'failure' : 'success', duration: Math.round((performance.now() - started) * 1e6) },
        http: {
          request: { method: c.req.method, id: c.get('requestId'), ...(Number.isFinite(requestBytes) ? { body: { bytes: requestBytes } } : {}) },
          response: { status_code: status, ...(Number.isFinite(responseBytes) ? { body: { bytes: responseBytes } } : {}) },
        },
        url: { path },
        ...(address ? { client: { address, ip: address } } : {}),
        ...(userAgent ? { user_agent: { original: userAgent } } : {}),
        ...(tenantId ? { organization: { id: tenantId } } : {}),
        ...(keyId ? { user: { id: keyId } } : {}),
      });
    }
  };
}
