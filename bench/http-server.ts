#!/usr/bin/env bun
// One server for bench/http: `bare` is plain Hono; `floor` is plain Hono plus only the lookups a
// request event cannot do without (the client address, the request's id, length and user-agent
// headers, an X-Request-Id on the answer) and no telemetry, the most any request logging could reach;
// `lumetry` is the same route inside Lumetry's app with its default telemetry (Prometheus metrics
// through the OpenTelemetry SDK, request ids, one ECS request event per request through the
// non-blocking stdout writer); `everything` adds OTLP export (traces sampled at 100%) to the endpoint
// given as the next argument, of the signals listed after it (comma-separated; all three when
// absent). Prints its port on stderr.
import { hostname } from 'node:os';
import { Hono } from 'hono';
import { createApp } from '../src/http/create-app.ts';
import { configOrExit, processLog } from '../src/main/process-setup.ts';
import { loadRuntime } from '../src/runtime/index.ts';
import type { ServerBindings } from '../src/runtime/types.ts';
import { fdLineWriter } from '../src/telemetry/line-writer.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { createMetrics } from '../src/telemetry/metrics.ts';
import { processResource } from '../src/telemetry/resource.ts';
import { startTelemetry } from '../src/telemetry/telemetry.ts';

const mode = process.argv[2];
const runtime = await loadRuntime();
const handler = async (c: { req: { json(): Promise<unknown> }; json(body: unknown): Response }) => {
  await c.req.json();
  return c.json({ ok: true });
};

let app: { fetch: (request: Request, env: never) => Response | Promise<Response> };
if (mode === 'bare') {
  app = new Hono().post('/v1/echo', handler) as never;
} else if (mode === 'floor') {
  const hono = new Hono().post('/v1/echo', handler);
  let count = 0;
  app = {
    fetch: async (request, bindings: ServerBindings) => {
      const header = (name: string) => (bindings.header ? bindings.header(name) : (request.headers.get(name) ?? undefined));
      const looked = [bindings.remoteAddress, header('x-request-id'), header('content-length'), header('user-agent')];
      const response = await hono.fetch(request);
      const id = `${looked.length}-${++count}`;
      if (bindings.setResponseHeader) bindings.setResponseHeader('X-Request-Id', id);
      else response.headers.set('X-Request-Id', id);
      return response;
    },
  };
} else if (mode === 'everything') {
  const endpoint = process.argv[3]!;
  const on = (process.argv[4] ?? 'traces,metrics,logs').split(',');
  const exporter = (signal: string) => (on.includes(signal) ? 'otlp' : 'none');
  const env = { OTEL_TRACES_EXPORTER: exporter('traces'), OTEL_METRICS_EXPORTER: exporter('metrics'), OTEL_LOGS_EXPORTER: exporter('logs'), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRIC_EXPORT_INTERVAL: '5000' };
  const { config } = configOrExit(env);
  const { logger, connectLogs } = processLog('bench', config);
  const telemetry = await startTelemetry({ service: 'bench', version: '0', instanceId: crypto.randomUUID(), host: hostname(), pid: process.pid }, config, logger, connectLogs);
  app = createApp(logger, { metrics: telemetry.metrics, tracer: telemetry.tracer }).post('/v1/echo', handler as never) as never;
} else {
  const writer = fdLineWriter(1);
  const logger = createLogger({ service: 'bench', version: '0', hostname: hostname(), pid: process.pid, level: 'info', format: 'json', write: writer });
  const metrics = createMetrics(processResource({ service: 'bench', version: '0', instanceId: crypto.randomUUID(), host: hostname(), pid: process.pid }), { path: '/metrics' });
  app = createApp(logger, { metrics }).post('/v1/echo', handler as never) as never;
}
const server = await runtime.serve((request, bindings) => app.fetch(request, bindings as never), { hostname: '127.0.0.1', port: 0 });
process.stderr.write(`port=${server.port}\n`);
