// The request event is written as pre-built JSON on the hot path and as an object for text lines
// and OTLP log records: both forms must carry the same fields, with request-controlled strings
// (path, user agent, request id) escaped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApp } from '../src/http/create-app.ts';
import { createLogger, type Fields } from '../src/telemetry/logger.ts';

test('the JSON line and the object form of a request event agree', async () => {
  const lines: string[] = [];
  const sunk: (Fields | undefined)[] = [];
  const logger = createLogger({ service: 'test', version: '0', hostname: 'h', pid: 1, level: 'info', format: 'json', write: (line) => void lines.push(line), sink: (_level, _message, fields) => void sunk.push(fields) });
  const app = createApp(logger);
  app.post('/v1/things/:id', (c) => {
    c.set('tenantId', 'ten_1');
    c.set('apiKeyId', 'key_1');
    return c.json({ ok: true }, 201);
  });
  const response = await app.fetch(
    new Request('http://localhost/v1/things/a%22b?secret=no', { method: 'POST', body: '{}', headers: { 'content-length': '2', 'user-agent': 'agent "quoted" \\ slash', 'x-request-id': 'req-1' } }),
    { remoteAddress: '192.0.2.1' },
  );
  assert.equal(response.status, 201);
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  const fields = sunk[0]!;
  for (const key of Object.keys(fields)) assert.deepEqual(line[key], fields[key], key);
  assert.deepEqual(Object.keys(fields).sort(), ['client', 'event', 'http', 'organization', 'url', 'user', 'user_agent']);
  assert.deepEqual(line.user_agent, { original: 'agent "quoted" \\ slash' });
  assert.deepEqual(line.url, { path: '/v1/things/a"b' }, 'the decoded path, escaped, without its query string');
  assert.deepEqual(line.http, { request: { method: 'POST', id: 'req-1', body: { bytes: 2 } }, response: { status_code: 201 } });
});
