// The runtime module's HTTP server, on whichever runtime runs the tests: it reports the client
// address, and stopping it refuses new connections while requests in flight still complete.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRuntime } from '../src/runtime/index.ts';

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
