// POST /v1/events: authenticate, check the media type and size, parse, validate, and answer 202
// only once the events and their queue items are committed. Nothing is stored for a bad request.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { newId } from '../ids.ts';
import { ApiError, errorStatus } from '../http/api-error.ts';
import { requireApiKey } from '../http/api-key-auth.ts';
import type { AppEnv } from '../http/create-app.ts';
import { validate } from '../http/validation.ts';
import type { IncomingEvent, Store } from '../storage/store.ts';
import { noopPipelineMetrics, type PipelineMetrics } from '../telemetry/pipeline-metrics.ts';
import { type QueueTracing, queueTracing } from '../telemetry/queue-tracing.ts';
import { storedContextFromHeaders } from '../telemetry/trace-context.ts';
import { batchSchema, type EventInput, eventSchema, maxBodyBytes } from './event-schema.ts';

/** A refused request's reason is the error code its status stands for. */
const rejectionReasons = new Map(Object.entries(errorStatus).map(([code, status]) => [status as number, code]));

export interface IngestOptions {
  readonly metrics?: PipelineMetrics;
  readonly tracing?: QueueTracing;
  readonly clock?: () => number;
}

export function ingestRoutes(store: Store, options: IngestOptions = {}): Hono<AppEnv> {
  const { metrics = noopPipelineMetrics(), tracing = queueTracing(undefined), clock = Date.now } = options;
  const app = new Hono<AppEnv>();
  app.post(
    '/v1/events',
    async (c, next) => {
      await next();
      if (c.res.status >= 400) metrics.ingestRejected(rejectionReasons.get(c.res.status) ?? String(c.res.status));
    },
    requireApiKey(store, 'ingest', metrics.authFailure),
    async (c, next) => {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) throw new ApiError('unsupported_media_type', 'send the events as application/json');
      await next();
    },
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new ApiError('payload_too_large', `the body must be at most ${maxBodyBytes} bytes`);
      },
    }),
    async (c) => {
      const receivedAt = clock();
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        throw new ApiError('invalid_json', 'the body is not valid JSON');
      }
      const inputs = isBatch(body) ? validate(batchSchema, body).events : [validate(eventSchema, body)];
      const events = inputs.map((input) => toIncoming(input, receivedAt));
      const incoming = () => storedContextFromHeaders((name) => c.req.header(name));
      const result = await tracing.publish('ingest', incoming, events.length, (traceContext) =>
        store.acceptEvents(c.get('tenantId'), events, { receivedAt, traceContext }),
      );
      metrics.eventsAccepted(result.accepted.length, result.duplicates.length);
      metrics.enqueued('ingest', result.accepted.length);
      return c.json({ accepted: result.accepted, duplicates: result.duplicates, requestId: c.env.requestId }, 202);
    },
  );
  return app;
}

function isBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
}

function toIncoming(input: EventInput, receivedAt: number): IncomingEvent {
  return {
    id: input.id ?? newId('evt', receivedAt),
    type: input.type,
    occurredAt: input.timestamp === undefined ? null : Date.parse(input.timestamp),
    data: JSON.stringify(input.data),
  };
}
