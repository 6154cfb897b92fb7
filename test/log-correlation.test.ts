// ECS trace correlation of log lines: `trace.id`, `span.id` and `transaction.id`. The transaction is
// the span where work entered the process (a request's server span, a queue item's consumer span);
// a line written inside a child span of it (a storage call) names the child as its span and the
// entry span as its transaction, as Elastic's APM views expect. Real tracer, sampler and context
// manager; lines through the real logger.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, ParentBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { startServerSpan } from '../src/http/server-span.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { withServerSpans } from '../src/telemetry/otlp/server-spans.ts';
import { queueTracing } from '../src/telemetry/queue-tracing.ts';

const resource = resourceFromAttributes({ 'service.name': 'worker' });
const sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() });
const tracer = withServerSpans(new TracerProvider({ resource, sampler }).getTracer('lumetry'), sampler, false, resource, () => {}, SpanKind.SERVER);
const contextManager = new AsyncLocalStorageContextManager();

before(() => void context.setGlobalContextManager(contextManager.enable()));
after(() => context.disable());

function loggerWithLines() {
  const lines: Record<string, string>[] = [];
  const logger = createLogger({ service: 'test', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', correlate: true, write: (line) => void lines.push(JSON.parse(line)) });
  const line = (message: string) => {
    const found = lines.find((entry) => entry.message === message);
    assert.ok(found, `a line "${message}" among ${lines.map((entry) => entry.message).join(', ')}`);
    return found;
  };
  return { logger, line };
}

test('in a request: the server span is the transaction of every line, a storage span the span of its own', async () => {
  const { logger, line } = loggerWithLines();
  const request = new Request('http://127.0.0.1/v1/events', { method: 'POST' });
  const server = startServerSpan(tracer, request, '/v1/events', 'POST', () => undefined, undefined, '127.0.0.1');
  let storageSpanId = '';
  await context.with(server.context, async () => {
    logger.info('authenticated');
    await tracer.startActiveSpan('acceptEvents', { kind: SpanKind.CLIENT }, async (storage) => {
      storageSpanId = storage.spanContext().spanId;
      await Promise.resolve();
      logger.warn('slow commit');
      storage.end();
    });
  });
  logger.later('info', Date.now(), () => ['POST /v1/events 202', {}], server.span.spanContext());
  logger.info('after the request');

  const { traceId, spanId } = server.span.spanContext();
  assert.deepEqual(pick(line('authenticated')), { 'trace.id': traceId, 'transaction.id': spanId, 'span.id': spanId });
  assert.deepEqual(pick(line('slow commit')), { 'trace.id': traceId, 'transaction.id': spanId, 'span.id': storageSpanId });
  assert.notEqual(storageSpanId, spanId);
  assert.deepEqual(pick(line('POST /v1/events 202')), { 'trace.id': traceId, 'transaction.id': spanId, 'span.id': spanId });
  assert.deepEqual(pick(line('after the request')), {}, 'outside any span: no correlation fields');
});

test('in the worker: a queue item’s consumer span is the transaction, continuing the stored trace', async () => {
  const { logger, line } = loggerWithLines();
  const stored = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const item = { id: 7, queue: 'delivery' as const, payload: '{}', receivedAt: 0, enqueuedAt: 0, traceContext: stored, attempts: 1 };
  const consumer = queueTracing(tracer).process('delivery', item);
  let attemptSpanId = '';
  await consumer.run(async () => {
    logger.info('claimed');
    await tracer.startActiveSpan('POST', { kind: SpanKind.CLIENT }, async (attempt) => {
      attemptSpanId = attempt.spanContext().spanId;
      logger.warn('delivery attempt failed');
      attempt.end();
    });
  });
  consumer.end();

  const consumerSpanId = consumer.traceContext!.split('-')[2];
  const claimed = pick(line('claimed'));
  assert.equal(claimed['trace.id'], '4bf92f3577b34da6a3ce929d0e0e4736', 'the stored trace continues');
  assert.equal(claimed['transaction.id'], consumerSpanId);
  assert.equal(claimed['span.id'], consumerSpanId);
  assert.deepEqual(pick(line('delivery attempt failed')), { 'trace.id': '4bf92f3577b34da6a3ce929d0e0e4736', 'transaction.id': consumerSpanId, 'span.id': attemptSpanId });
});

function pick(entry: Record<string, string>): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const key of ['trace.id', 'transaction.id', 'span.id']) if (entry[key] !== undefined) ids[key] = entry[key];
  return ids;
}
