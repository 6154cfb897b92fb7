// Request telemetry wraps the app's fetch instead of running as a middleware, and learns each
// request's route from the router's match. Requests that overlap must still each be counted under
// their own route, a middleware's answer under the route it guarded, and a thrown error as a 500
// with the request id in the answer and the log. A client that hangs up early is still logged with
// its address. A Content-Length no ECS `long` can hold is no body size.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { ApiError } from '../src/http/api-error.ts';
import { createApp } from '../src/http/create-app.ts';
import { loadRuntime } from '../src/runtime/index.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { createMetrics } from '../src/telemetry/metrics.ts';
import { processResource } from '../src/telemetry/resource.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function instrumentedApp() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: 'test', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', write: (line) => void lines.push(JSON.parse(line)) });
  const metrics = createMetrics(processResource({ service: 'test', version: '0', instanceId: 'i', host: 'h', pid: 1 }), { path: '/metrics' });
  const app = createApp(logger, { metrics });
  return { app, lines, metrics };
}

function count(text: string, method: string, status: number, route: string): number {
  const pattern = new RegExp(`^http_server_request_duration_seconds_count\\{http_request_method="${method}",http_response_status_code="${status}",http_route="${route.replaceAll('/', '\\/')}"[^}]*\\} (\\d+)$`, 'm');
  return Number(pattern.exec(text)?.[1] ?? 0);
}

test('overlapping requests are each counted under their own route', async () => {
  const { app, metrics } = instrumentedApp();
  app.get('/slow/:id', async (c) => {
    await pause(Number(c.req.param('id')) % 7);
    return c.json({ ok: true });
  });
  app.post('/fast', (c) => c.json({ ok: true }, 201));
  app.use('/guarded/*', async () => {
    throw new ApiError('unauthorized', 'no');
  });
  app.get('/guarded/:thing', (c) => c.json({ ok: true }));
  const answers = await Promise.all(
    Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? app.request(`/slow/${i}`) : i % 3 === 1 ? app.request('/fast', { method: 'POST' }) : app.request(`/guarded/${i}`))),
  );
  assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200, 201, 401]));
  const text = await metrics.scrape();
  assert.equal(count(text, 'GET', 200, '/slow/:id'), 20);
  assert.equal(count(text, 'POST', 201, '/fast'), 20);
  assert.equal(count(text, 'GET', 401, '/guarded/:thing'), 20, 'the route the middleware guarded');
  assert.match(text, /^http_server_active_requests\{http_request_method="GET",otel_scope_name="lumetry\.http"\} 0$/m);
  await metrics.shutdown();
});

test('every answer carries its request id; a failure is a 500 whose id matches its log lines', async () => {
  const { app, lines } = instrumentedApp();
  app.get('/boom', () => {
    throw new Error('exploded');
  });
  const ok = await app.request('/nowhere', { headers: { 'x-request-id': 'caller-chosen-1' } });
  assert.equal(ok.status, 404);
  assert.equal(ok.headers.get('x-request-id'), 'caller-chosen-1');
  const failed = await app.request('/boom');
  assert.equal(failed.status, 500);
  const id = failed.headers.get('x-request-id');
  assert.ok(id);
  assert.deepEqual(await failed.json(), { error: { code: 'internal', message: 'internal error' }, requestId: id });
  const logged = lines.filter((line) => (line.http as { request?: { id?: string } } | undefined)?.request?.id === id);
  assert.deepEqual(logged.map((line) => line.message), ['request failed', 'GET /boom 500']);
});

test('a client that hangs up before the answer is still logged with its address', { timeout: 20_000 }, async () => {
  const { app, lines } = instrumentedApp();
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  app.get('/slow', async (c) => {
    await pause(300);
    setTimeout(finished, 50);
    return c.json({ ok: true });
  });
  const server = await (await loadRuntime()).serve((request, bindings) => app.fetch(request, bindings), { hostname: '127.0.0.1', port: 0 });
  const aborted = new AbortController();
  const answer = fetch(`http://127.0.0.1:${server.port}/slow`, { signal: aborted.signal });
  await pause(100);
  aborted.abort();
  await assert.rejects(answer);
  await done;
  await server.stop();
  const event = lines.find((line) => line.message === 'GET /slow 200');
  assert.ok(event, 'the request event was written');
  assert.deepEqual(event.client, { address: '127.0.0.1', ip: '127.0.0.1' });
});

/** Sends `head` as it is and resolves with the answer's status; the body is never sent. */
function statusOf(port: number, head: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (!received.includes('\r\n')) return;
      socket.destroy();
      resolve(Number(received.split(' ')[1]));
    });
    socket.on('error', reject);
    socket.write(head);
  });
}

test('a Content-Length beyond 2^53 - 1 gives no body size, in the request event and the metric alike', { timeout: 20_000 }, async () => {
  const { app, lines, metrics } = instrumentedApp();
  app.post('/upload', (c) => c.json({ ok: true }));
  const server = await (await loadRuntime()).serve((request, bindings) => app.fetch(request, bindings), { hostname: '127.0.0.1', port: 0 });
  // Node takes lengths up to 2^64 - 1 and answers before the body comes; Bun refuses them with 400.
  const statuses = [];
  for (const length of ['2', '18446744073709551615', '9007199254740992']) statuses.push(await statusOf(server.port, `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n${length === '2' ? '{}' : ''}`));
  await server.stop();
  assert.equal(statuses[0], 200);
  const events = lines.filter((line) => line.message === 'POST /upload 200');
  assert.equal(events.length, statuses.filter((status) => status === 200).length);
  assert.deepEqual(events.map((event) => (event.http as { request: { body?: unknown } }).request.body), [{ bytes: 2 }, ...events.slice(1).map(() => undefined)]);
  const sizes = /^http_server_request_body_size_bytes_count\{[^}]*http_route="\/upload"[^}]*\} (\d+)$/m.exec(await metrics.scrape());
  assert.equal(sizes?.[1], '1', 'only the request with a usable length is in the body size histogram');
  await metrics.shutdown();
});

test('HEAD on any route, over a real server, announces the length GET sends and is logged as HEAD', { timeout: 20_000 }, async () => {
  const { app, lines } = instrumentedApp();
  app.get('/v1/things/:id', (c) => c.json({ id: c.req.param('id'), name: 'ünïcode thing' }));
  const server = await (await loadRuntime()).serve((request, bindings) => app.fetch(request, bindings), { hostname: '127.0.0.1', port: 0 });
  try {
    const got = await fetch(`http://127.0.0.1:${server.port}/v1/things/7`);
    const length = Buffer.byteLength(await got.text());
    const head = await fetch(`http://127.0.0.1:${server.port}/v1/things/7`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(length));
    assert.equal(head.headers.get('content-type'), got.headers.get('content-type'));
    assert.equal(await head.text(), '');
  } finally {
    await server.stop();
  }
  const event = lines.find((line) => line.message === 'HEAD /v1/things/7 200');
  assert.ok(event, `a HEAD request event among ${lines.map((line) => line.message).join(', ')}`);
});
