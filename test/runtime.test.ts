// The runtime module's HTTP server, on whichever runtime runs the tests: it reports the client
// address, stopping it refuses new connections while requests in flight still complete, and a header
// the app adds through its bindings (the request id) reaches every kind of answer exactly once.
// (Node merges it into the headers node:http is given, not through setHeader: src/runtime/node.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApp } from '../src/http/create-app.ts';
import { loadRuntime } from '../src/runtime/index.ts';
import { createLogger } from '../src/telemetry/logger.ts';

test('a stopping server finishes the request in flight and refuses new connections', { timeout: 20_000 }, async () => {
  const runtime = await loadRuntime();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const inFlight = new Promise<void>((resolve) => (arrived = resolve));
  const server = await runtime.serve(
    async (request, bindings) => {
      if (new URL(request.url).pathname === '/slow') {
        arrived();
        await released;
      }
      return new Response(`from ${bindings.remoteAddress}`);
    },
    { hostname: '127.0.0.1', port: 0 },
  );
  const base = `http://127.0.0.1:${server.port}`;
  assert.equal(await (await fetch(`${base}/`)).text(), 'from 127.0.0.1');

  const slow = fetch(`${base}/slow`, { headers: { connection: 'close' } });
  await inFlight;
  let stopped = false;
  const stopping = server.stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(stopped, false, 'stop waits for the request in flight');
  await assert.rejects(fetch(`${base}/`, { headers: { connection: 'close' } }), 'a new connection is refused');

  release();
  const response = await slow;
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'from 127.0.0.1');
  await stopping;
  assert.equal(stopped, true);
});

test('the request id reaches every kind of answer once, in place of one a handler set itself', { timeout: 20_000 }, async () => {
  const runtime = await loadRuntime();
  const logger = createLogger({ service: 'test', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', write: () => {} });
  const app = createApp(logger);
  app.get('/json', (c) => c.json({ ok: true }));
  app.get('/empty', (c) => c.body(null, 204));
  app.get('/text', (c) => c.text('plain', 200, { 'Cache-Control': 'no-store' }));
  app.get('/stream', () => new Response(new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode('chunk')), controller.close()) })));
  app.get('/own', (c) => c.text('mine', 200, { 'x-request-id': 'set-by-handler' }));
  app.get('/fails', () => {
    throw new Error('boom');
  });
  const server = await runtime.serve((request, bindings) => app.fetch(request, bindings), { hostname: '127.0.0.1', port: 0 });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const expected = { '/json': 200, '/empty': 204, '/text': 200, '/stream': 200, '/missing': 404, '/fails': 500 };
    for (const [path, status] of Object.entries(expected)) {
      const response = await fetch(`${base}${path}`, { headers: { 'x-request-id': `id-${path.slice(1)}` } });
      await response.arrayBuffer();
      assert.equal(response.status, status, path);
      assert.equal(response.headers.get('x-request-id'), `id-${path.slice(1)}`, path);
    }
    const text = await fetch(`${base}/text`);
    assert.equal(text.headers.get('cache-control'), 'no-store', 'the handler\'s own headers are kept');
    assert.equal(await text.text(), 'plain');
    const own = await fetch(`${base}/own`, { headers: { 'x-request-id': 'from-caller' } });
    assert.equal(own.headers.get('x-request-id'), 'from-caller', 'one value: the id the request was logged with');
    assert.equal(await own.text(), 'mine');
  } finally {
    await server.stop();
  }
});
