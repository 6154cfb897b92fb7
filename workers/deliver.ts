// One delivery attempt: POST the event to the destination and decide what happens next.
// 2xx: delivered. 408, 429, 5xx, network errors and timeouts: retry later (Retry-After honoured)
// until the attempts run out. Anything else (other 4xx, redirects, a refused destination):
// dead-lettered at once. The recorded error is built here from status and error codes only, so a
// receiver's body or a URL's query string never ends up in it.
import type { Tracer } from '@opentelemetry/api';
import type { DeliveryJob, DeliveryOutcome } from '../src/storage/store.ts';
import type { PipelineMetrics } from '../src/telemetry/pipeline-metrics.ts';
import { storedContextOf, traceHeaders } from '../src/telemetry/trace-context.ts';
import { clientSpan, endClientSpan } from './client-span.ts';
import { type BackoffPolicy, parseRetryAfter, retryDelayMs } from './backoff.ts';
import { type OutboundPolicy, refusal, ResolutionFailed } from './outbound-policy.ts';
import { signatureHeader } from './signature.ts';

export interface DeliverySettings {
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly policy: OutboundPolicy;
  readonly userAgent: string;
  readonly clock: () => number;
  readonly random?: () => number;
  readonly metrics: PipelineMetrics;
  /** Present when traces are on: each attempt gets a client span, sent on as `traceparent`. */
  readonly tracer?: Tracer | undefined;
}

/** `errorType`: the failure's class for spans (an HTTP status, `timeout`, an error code), never a message. */
type Attempt = { statusCode: number | null; retryable: boolean; error: string | null; errorType: string; retryAfterMs: number | null };

export async function deliver(job: DeliveryJob, settings: DeliverySettings): Promise<DeliveryOutcome> {
  const attempt = await send(job, settings);
  const at = settings.clock();
  if (attempt.error === null && attempt.statusCode !== null) return { kind: 'delivered', job, statusCode: attempt.statusCode, at };
  const error = attempt.error ?? 'failed';
  const number = job.attempts + 1;
  const { errorType } = attempt;
  if (!attempt.retryable) return { kind: 'dead', job, statusCode: attempt.statusCode, error, errorType, at };
  if (number >= settings.maxAttempts) {
    return { kind: 'dead', job, statusCode: attempt.statusCode, error: `gave up after ${number} attempts; last: ${error}`, errorType, at };
  }
  const delay = retryDelayMs(number, settings.backoff, attempt.retryAfterMs, settings.random);
  return { kind: 'retry', job, statusCode: attempt.statusCode, error, errorType, at, nextAttemptAt: at + delay };
}

async function send(job: DeliveryJob, settings: DeliverySettings): Promise<Attempt> {
  const url = new URL(job.destination.url);
  if (!job.destination.enabled) return failure(null, false, 'the destination is disabled', 'destination_disabled');
  let refused: string | null;
  try {
    refused = await refusal(url, settings.policy, undefined, settings.timeoutMs);
  } catch (error) {
    if (error instanceof ResolutionFailed) return failure(null, true, error.message, 'resolution_failed');
    throw error;
  }
  if (refused) return failure(null, false, refused, 'destination_refused');

  const body = eventBody(job);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': settings.userAgent,
    'idempotency-key': job.deliveryId,
    'lumetry-event-id': job.event.id,
    'lumetry-event-type': job.event.type,
    'lumetry-delivery-id': job.deliveryId,
    'lumetry-delivery-attempt': String(job.attempts + 1),
    'lumetry-signature': await signatureHeader(job.destination.signingSecret, Math.floor(settings.clock() / 1000), body),
  };
  const span = settings.tracer && clientSpan(settings.tracer, url, job.attempts);
  const traceContext = span ? storedContextOf(span) : job.item.traceContext;
  if (traceContext) traceHeaders(traceContext, headers);

  const started = performance.now();
  const timing = (statusCode: number | null, errorType: string | null) => {
    settings.metrics.httpClient((performance.now() - started) / 1000, { serverAddress: url.hostname, statusCode, errorType });
    if (span) endClientSpan(span, statusCode, errorType);
  };
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(settings.timeoutMs) });
    await response.body?.cancel().catch(() => undefined);
    const status = response.status;
    timing(status, status >= 400 ? String(status) : null);
    if (status >= 200 && status < 300) return { statusCode: status, retryable: false, error: null, errorType: '', retryAfterMs: null };
    const retryable = status === 408 || status === 429 || status >= 500;
    const retryAfter = retryable ? parseRetryAfter(response.headers.get('retry-after'), settings.clock()) : null;
    const note = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
    return { statusCode: status, retryable, error: `HTTP ${status}${note}`, errorType: String(status), retryAfterMs: retryAfter };
  } catch (error) {
    const description = describeNetworkError(error, settings.timeoutMs);
    const type = description.startsWith('timed out') ? 'timeout' : (/\(([A-Z_]+)\)/.exec(description)?.[1] ?? 'connection_failed');
    timing(null, type);
    return failure(null, true, description, type);
  }
}

function failure(statusCode: number | null, retryable: boolean, error: string, errorType: string): Attempt {
  return { statusCode, retryable, error, errorType, retryAfterMs: null };
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? `connection failed (${code})` : 'connection failed';
}

/** The JSON a receiver gets; `data` is spliced in as stored, already valid JSON. */
export function eventBody(job: DeliveryJob): string {
  const occurred = job.event.occurredAt === null ? null : new Date(job.event.occurredAt).toISOString();
  return `{"id":${JSON.stringify(job.event.id)},"type":${JSON.stringify(job.event.type)},"timestamp":${JSON.stringify(occurred)},"receivedAt":${JSON.stringify(new Date(job.event.receivedAt).toISOString())},"data":${job.event.data}}`;
}
