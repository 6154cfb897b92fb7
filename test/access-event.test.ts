// The request event is encoded as JSON straight into the line's bytes on the hot path and as an object for text lines
// and OTLP log records: both forms must carry the same fields, with request-controlled strings
// (path, user agent, request id) escaped; in text format, control characters are escaped so that
// a request can never break its event into lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApp } from '../src/http/create-app.ts';
import { actAs } from '../src/http/request-scope.ts';
import { loadRuntime } from '../src/runtime/index.ts';
import { JsonBytes } from '../src/telemetry/json-bytes.ts';
import type { LineFill } from '../src/telemetry/line-writer.ts';
import { createLogger, type EventFields, forEachField } from '../src/telemetry/logger.ts';

/** The line a writer's fill encodes, as text. */
function encoded(fill: LineFill): string {
  const out = new JsonBytes(256, 1 << 20);
  fill(out);
  return out.toString();
}

test('the JSON line and the object form of a request event agree', async () => {
  const lines: string[] = [];
  const sunk: (EventFields | undefined)[] = [];
  const logger = createLogger({ service: 'test', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', write: (line) => void lines.push(line), sink: (_level, _message, fields) => void sunk.push(fields) });
  const app = createApp(logger);
  app.post('/v1/things/:id', (c) => {
    actAs(c, { tenantId: 'ten_1', apiKeyId: 'key_1', admin: false });
    return c.json({ ok: true }, 201);
  });
  const response = await app.fetch(
    new Request('http://localhost/v1/things/a%22b?secret=no', { method: 'POST', body: '{}', headers: { 'content-length': '2', 'user-agent': 'agent "quoted" \\ slash', 'x-request-id': 'req-1' } }),
    { remoteAddress: '192.0.2.1' },
  );
  assert.equal(response.status, 201);
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  const dotted = (fields: EventFields) => {
    const into: Record<string, unknown> = {};
    forEachField(fields, (name, value) => (into[name] = value));
    return into;
  };
  const fixed = ['@timestamp', 'log.level', 'message', 'ecs.version', 'service.name', 'service.version', 'host.hostname', 'process.pid', 'event.dataset'];
  const fromLine = Object.fromEntries(Object.entries(dotted(line)).filter(([name]) => !fixed.includes(name)));
  assert.deepEqual(dotted(sunk[0]!), fromLine);
  assert.deepEqual(Object.keys(fromLine).map((name) => name.split('.')[0]).filter((top, i, all) => all.indexOf(top) === i).sort(), ['client', 'event', 'http', 'organization', 'url', 'user', 'user_agent']);
  assert.deepEqual(line.user_agent, { original: 'agent "quoted" \\ slash' });
  assert.deepEqual(line.url, { path: '/v1/things/a"b' }, 'the decoded path, escaped, without its query string');
  assert.deepEqual(line.http, { request: { method: 'POST', id: 'req-1', body: { bytes: 2 } }, response: { status_code: 201 } });
});

test('a request event made when the writer next writes carries the time of the request and the same fields', async () => {
  const made: string[] = [];
  const makers: LineFill[] = [];
  const later = createLogger({ service: 'test', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', write: { encode: (fill) => void made.push(encoded(fill)), defer: (fill) => void makers.push(fill) } });
  const atOnce: string[] = [];
  const now = createLogger({ service: 'test', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', write: (line) => void atOnce.push(line) });
  const request = () => new Request('http://localhost/v1/things/7?token=no', { method: 'PUT', body: '{}', headers: { 'content-length': '2', 'user-agent': 'ua', 'x-request-id': 'req-7' } });
  const before = Date.now();
  for (const logger of [later, now]) {
    const app = createApp(logger).put('/v1/things/:id', (c) => c.json({ ok: true }));
    assert.equal((await app.fetch(request(), { remoteAddress: '192.0.2.7' })).status, 200);
  }
  const after = Date.now();
  assert.equal(made.length, 0, 'nothing is made while the request is answered');
  await new Promise((resolve) => setTimeout(resolve, 30));
  const line = JSON.parse(makers.map(encoded).join('')) as Record<string, unknown>;
  const stamp = Date.parse(line['@timestamp'] as string);
  assert.ok(stamp >= before && stamp <= after, `@timestamp ${line['@timestamp']} is when the request was answered, not when its line was made`);
  const { '@timestamp': _a, 'event': eventLater, ...restLater } = line;
  const { '@timestamp': _b, 'event': eventNow, ...restNow } = JSON.parse(atOnce[0]!) as Record<string, unknown>;
  assert.deepEqual(restLater, restNow);
  assert.deepEqual({ ...(eventLater as object), duration: 0 }, { ...(eventNow as object), duration: 0 });
  assert.equal(restLater.message, 'PUT /v1/things/7 200');
});

test('in text format a request event is one readable line with its fields, made later as at once', async () => {
  for (const deferred of [false, true]) {
    const lines: string[] = [];
    const makers: LineFill[] = [];
    const write = deferred ? { encode: (fill: LineFill) => void lines.push(encoded(fill)), defer: (fill: LineFill) => void makers.push(fill) } : (line: string) => void lines.push(line);
    const logger = createLogger({ service: 'ingest-api', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'text', write });
    const app = createApp(logger).get('/v1/things/:id', (c) => c.json({ ok: true }));
    const before = Date.now();
    assert.equal((await app.fetch(new Request('http://localhost/v1/things/9?token=no', { headers: { 'user-agent': 'ua 1 user.id=key_forged', 'x-request-id': 'req-9' } }), { remoteAddress: '192.0.2.9' })).status, 200);
    const after = Date.now();
    for (const fill of makers) lines.push(encoded(fill));
    assert.equal(lines.length, 1);
    const match = /^(\S+) INFO  ingest-api GET \/v1\/things\/9 200 (.*)\n$/.exec(lines[0]!);
    assert.ok(match, lines[0]);
    const stamp = Date.parse(match[1]!);
    assert.ok(stamp >= before && stamp <= after, `${match[1]} is when the request was answered`);
    for (const pair of ['http.request.method=GET', 'http.request.id=req-9', 'http.response.status_code=200', 'url.path=/v1/things/9', 'client.address=192.0.2.9', 'user_agent.original="ua 1 user.id=key_forged"']) assert.ok(match[2]!.includes(pair), `${pair} in ${match[2]}`);
    assert.ok(!/ user\.id=/.test(match[2]!.replace(/"[^"]*"/g, '""')), 'a value with spaces is quoted, so a client cannot add a field');
    assert.ok(!lines[0]!.includes('token'), 'never the query string');
  }
});

test('in text format every event is one line, whatever the request path and the error hold', async () => {
  const lines: string[] = [];
  const logger = createLogger({ service: 'ingest-api', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'text', write: (line) => void lines.push(line) });
  const app = createApp(logger).get('/v1/*', (c) => {
    throw new Error(`no such thing: ${c.req.path}`);
  });
  const server = await (await loadRuntime()).serve((request, bindings) => app.fetch(request, bindings), { hostname: '127.0.0.1', port: 0 });
  // Decoded into url.path: a line break, then what would read as another process's event.
  const forged = '2026-01-01T00:00:00.000Z INFO  ingest-api GET /admin 200';
  const response = await fetch(`http://127.0.0.1:${server.port}/v1/a%0A${forged.replaceAll(' ', '%20')}%0D%E2%80%A8%C2%85%1B[31m%09`);
  await server.stop();
  assert.equal(response.status, 500);
  assert.equal(lines.length, 2, 'request failed, then the request event');
  for (const line of lines) assert.match(line, /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]+\n$/, 'one line, no control character');
  const [failed, event] = lines;
  assert.ok(event!.includes(`url.path="/v1/a\\n${forged}\\r\\u2028\\u0085\\u001b[31m\\t"`), `escaped, readable: ${event}`);
  assert.match(failed!, / error\.stack_trace="Error: no such thing: .*\\n {4}at /, 'the stack trace on the same line');
});

test('a request answered with 400 or above is an event with outcome failure, in the line and in the record alike', async () => {
  const lines: string[] = [];
  const sunk: (EventFields | undefined)[] = [];
  const logger = createLogger({ service: 'test', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', write: (line) => void lines.push(line), sink: (_level, _message, fields) => void sunk.push(fields) });
  const app = createApp(logger).get('/ok', (c) => c.json({ ok: true }));
  for (const path of ['/ok', '/missing']) await app.fetch(new Request(`http://localhost${path}`), { remoteAddress: '192.0.2.2' });
  const outcomes = lines.map((line) => (JSON.parse(line) as { event: { outcome: string } }).event.outcome);
  assert.deepEqual(outcomes, ['success', 'failure']);
  const recorded = sunk.map((fields) => {
    let value: unknown;
    forEachField(fields!, (name, leaf) => (name === 'event.outcome' ? (value = leaf) : undefined));
    return value;
  });
  assert.deepEqual(recorded, ['success', 'failure']);
});

test('a link-local IPv6 peer keeps its zone in client.address and has none in client.ip, which Elasticsearch would refuse', async () => {
  const lines: string[] = [];
  const sunk: (EventFields | undefined)[] = [];
  const logger = createLogger({ service: 'test', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', write: (line) => void lines.push(line), sink: (_level, _message, fields) => void sunk.push(fields) });
  const app = createApp(logger).get('/ok', (c) => c.json({ ok: true }));
  // The address as node:http reports a peer that connected over a link-local address of eth0.
  await app.fetch(new Request('http://localhost/ok'), { remoteAddress: 'fe80::fc:ff:fe00:1%eth0' });
  assert.deepEqual((JSON.parse(lines[0]!) as { client: unknown }).client, { address: 'fe80::fc:ff:fe00:1%eth0', ip: 'fe80::fc:ff:fe00:1' });
  const client: Record<string, unknown> = {};
  forEachField(sunk[0]!, (name, value) => (name.startsWith('client.') ? (client[name] = value) : undefined));
  assert.deepEqual(client, { 'client.address': 'fe80::fc:ff:fe00:1%eth0', 'client.ip': 'fe80::fc:ff:fe00:1' });
});
