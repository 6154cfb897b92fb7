// OTLP/HTTP through the runtime's own client (Bun's fetch; on Node, where the runtime keeps
// node:http for export, the same transport over Node's fetch) against real HTTP servers on
// 127.0.0.1: it must answer exactly as the SDK's transport does, since the export delegate, the
// drop counting and the partial-success reading rely on those answers.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { loadRuntime } from '../src/runtime/index.ts';
import type { PostInit } from '../src/runtime/types.ts';
import { fetchTransport } from '../src/telemetry/otlp/fetch-transport.ts';

const runtime = await loadRuntime();
const post = runtime.post ?? ((url: string, { headers, body, signal }: PostInit) => fetch(url, { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer>, signal, redirect: 'manual' }));
const servers: ReturnType<typeof createServer>[] = [];
after(() => servers.forEach((server) => server.close()));

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** A server answering each request with `answer` (given which attempt it is); what it received. */
async function endpoint(answer: (response: ServerResponse, attempt: number) => void) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      answer(response, received.length);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/traces`, received };
}

const data = new Uint8Array([10, 3, 0x6f, 0x74, 0x6c]);
const target = (url: string, gzip = false) => ({ url, headers: { authorization: 'Bearer planted' }, gzip, ca: undefined });

test('a 2xx export succeeds with the answer bytes, sent as protobuf with the configured headers', async () => {
  const server = await endpoint((response) => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from([0x0a, 0x02, 0x08, 0x01])));
  const result = await fetchTransport(post, target(server.url)).send(data, 5_000);
  assert.equal(result.status, 'success');
  assert.deepEqual([...(result.status === 'success' ? result.data! : [])], [0x0a, 0x02, 0x08, 0x01]);
  assert.equal(server.received.length, 1);
  assert.deepEqual([...server.received[0]!.body], [...data]);
  assert.equal(server.received[0]!.headers['content-type'], 'application/x-protobuf');
  assert.equal(server.received[0]!.headers.authorization, 'Bearer planted');
});

test('gzip compression sends the gzipped body, marked so', async () => {
  const server = await endpoint((response) => response.writeHead(200).end());
  assert.equal((await fetchTransport(post, target(server.url, true)).send(data, 5_000)).status, 'success');
  assert.equal(server.received[0]!.headers['content-encoding'], 'gzip');
  assert.deepEqual([...gunzipSync(server.received[0]!.body)], [...data]);
});

test('503 with Retry-After is retried after the wait it asks for, then succeeds', async () => {
  const server = await endpoint((response, attempt) => (attempt === 1 ? response.writeHead(503, { 'retry-after': '1' }).end() : response.writeHead(200).end()));
  const began = Date.now();
  const result = await fetchTransport(post, target(server.url)).send(data, 5_000);
  assert.equal(result.status, 'success');
  assert.equal(server.received.length, 2);
  assert.ok(Date.now() - began >= 950, 'waited for Retry-After');
});

test('a refusal such as 401 fails at once with its status, not retried', async () => {
  const server = await endpoint((response) => response.writeHead(401).end('no'));
  const result = await fetchTransport(post, target(server.url)).send(data, 5_000);
  assert.equal(result.status, 'failure');
  assert.ok(result.status === 'failure' && result.error instanceof OTLPExporterError && result.error.code === 401);
  assert.equal(server.received.length, 1);
});

test('a redirect fails the export: the credentials in its headers never follow it elsewhere', async () => {
  const elsewhere = await endpoint((response) => response.writeHead(200).end());
  const server = await endpoint((response) => response.writeHead(307, { location: elsewhere.url }).end());
  const result = await fetchTransport(post, target(server.url)).send(data, 5_000);
  assert.equal(result.status, 'failure');
  assert.equal(elsewhere.received.length, 0);
});

test('an answer over 4 MB fails without being read whole', async () => {
  const server = await endpoint((response) => response.writeHead(200).end(Buffer.alloc(5 * 1024 * 1024)));
  const result = await fetchTransport(post, target(server.url)).send(data, 5_000);
  assert.equal(result.status, 'failure');
  assert.match(result.status === 'failure' ? result.error.message : '', /size limit/);
});

test('a refused connection and a server slower than the timeout are retryable, and give up within the timeout', async () => {
  const closed = await endpoint(() => undefined);
  await new Promise((resolve) => servers.pop()!.close(resolve));
  const refused = await fetchTransport(post, target(closed.url)).send(data, 1_500);
  assert.equal(refused.status, 'retryable');

  // The first attempt takes the whole timeout, so no time is left for another.
  const slow = await endpoint(() => undefined);
  const timedOut = await fetchTransport(post, target(slow.url)).send(data, 500);
  assert.equal(timedOut.status, 'retryable');
  assert.equal(slow.received.length, 1, 'no attempt past the timeout');
});
