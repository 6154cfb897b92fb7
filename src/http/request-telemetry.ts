// Everything recorded about each HTTP request, around the app's `fetch` rather than inside it as a
// middleware (which would take every route off Hono's one-handler fast path): the request id (also
// sent back as X-Request-Id), the HTTP server metrics (duration by method, route template, status and
// error type; request body size; requests in flight), the server span when traces are on, and one
// ECS request event. Probes and scrapes (`quiet`) are logged at debug unless `logProbes` and get no
// span, so a kubelet polling every few seconds floods neither; they still count in the metrics.
// The request event is made when the log writer next writes (`logger.later`), not in the request:
// the same work costs the core less there (docs/performance.md); it keeps the request's time and span.
// https://opentelemetry.io/docs/specs/semconv/http/http-metrics/
import { context, type Tracer } from '@opentelemetry/api';
import { getPath } from 'hono/utils/url';
import type { ServerBindings } from '../runtime/types.ts';
import type { HttpServerRecorder } from '../telemetry/http-server-producer.ts';
import type { LaterEvent, Logger } from '../telemetry/logger.ts';
import { AccessEvent, type Exchange } from './access-event.ts';
import type { Match, RecordingRouter } from './recording-router.ts';
import { requestIds } from './request-id.ts';
import { RequestScope } from './request-scope.ts';
import { endServerSpan, type ServerSpan, startServerSpan } from './server-span.ts';

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

export interface RequestTelemetryOptions {
  readonly metrics: HttpServerRecorder | undefined;
  readonly tracer: Tracer | undefined;
  /** Probes and scrapes. */
  readonly quiet: (path: string) => boolean;
  readonly logProbes: boolean;
}

type AppFetch = (request: Request, scope: RequestScope) => Response | Promise<Response>;
export type ServedFetch = (request: Request, server?: ServerBindings) => Response | Promise<Response>;

export function withRequestTelemetry(fetch: AppFetch, router: RecordingRouter<unknown>, logger: Logger, options: RequestTelemetryOptions): ServedFetch {
  const { metrics, tracer, quiet, logProbes } = options;
  const nextId = requestIds();
  return (request, server) => {
    const started = performance.now();
    const header = (name: string) => (server?.header ? server.header(name) : (request.headers.get(name) ?? undefined));
    const scope = new RequestScope(server, nextId(header('x-request-id')));
    server?.setResponseHeader?.('X-Request-Id', scope.requestId);
    const method = knownMethods.has(request.method) ? request.method : '_OTHER';
    metrics?.started(method);
    // Hono finds the path only inside `fetch`; a span must start before it, so traces look it up first.
    const path = tracer ? getPath(request) : undefined;
    const userAgent = header('user-agent');
    const span = tracer && path !== undefined && !quiet(path) ? startServerSpan(tracer, request, path, method, header, userAgent, scope.clientAddress) : undefined;
    const finish = (status: number, match: Match) => {
      const seconds = (performance.now() - started) / 1000;
      const requestBytes = byteCount(header('content-length'));
      metrics?.finished(method, match.route, status, seconds, requestBytes);
      const exchange: Exchange = { method: request.method, path: match.path, status, seconds, requestBytes, userAgent };
      const level = quiet(match.path) && !logProbes ? 'debug' : 'info';
      logger.later(level, Date.now(), requestEvent(scope, exchange), span?.span.spanContext());
      if (span) endServerSpan(span, method, match.route, status, scope.error);
    };
    let result: Response | Promise<Response>;
    try {
      result = span ? context.with(span.context, fetch, undefined, request, scope) : fetch(request, scope);
    } catch (error) {
      // Hono matches before anything that can throw.
      finish(500, router.last());
      throw error;
    }
    const match = router.last();
    const answer = (response: Response) => {
      if (server?.setResponseHeader === undefined) setRequestId(response, scope.requestId);
      finish(response.status, match);
      return response;
    };
    if (!(result instanceof Promise)) return answer(result);
    return result.then(answer, (error: unknown) => {
      finish(500, match);
      throw error;
    });
  };
}

/** A response passed through from elsewhere can have immutable headers; it then goes without the id. */
function setRequestId(response: Response, id: string): void {
  try {
    response.headers.set('X-Request-Id', id);
  } catch {
    // immutable headers: nothing to add to
  }
}

/** Made outside the request's closures: an event waiting for the writer's next batch holds no Request. */
function requestEvent(scope: RequestScope, exchange: Exchange): LaterEvent {
  return () => [message(exchange), new AccessEvent(scope, exchange)];
}

function message({ method, path, status }: Exchange): string {
  return `${method} ${path} ${status}`;
}

/**
 * Content-Length as a count, NaN when absent or not a plain count up to 2^53 - 1: Node accepts
 * lengths up to 2^64 - 1, which a double cannot hold exactly and ECS's `long` cannot hold at all
 * (Elasticsearch would refuse the event), and Number() also reads `1e3`, `0x10` and ` `.
 */
function byteCount(header: string | undefined): number {
  if (header === undefined || !/^\d{1,16}$/.test(header)) return Number.NaN;
  const bytes = Number(header);
  return bytes <= Number.MAX_SAFE_INTEGER ? bytes : Number.NaN;
}
