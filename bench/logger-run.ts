#!/usr/bin/env bun
// One side of bench/logger, in its own process: Lumetry's ECS logger (`lumetry`) or pino with
// @elastic/ecs-pino-format writing asynchronously (`pino`), the same request event each time.
//   throughput: N lines in bursts of 1,000 to stdout (the parent points it at /dev/null)
//   slow: N lines in bursts while stdout is a pipe read slowly; reports the peak resident memory
//         one second after the last line, without waiting for the backlog to drain
// Prints one JSON result on stderr.
import { hostname } from 'node:os';
import { ecsFormat } from '@elastic/ecs-pino-format';
import pino from 'pino';
import { fdLineWriter } from '../src/telemetry/line-writer.ts';
import { createLogger } from '../src/telemetry/logger.ts';

const [impl, scenario, countText] = process.argv.slice(2);
const count = Number(countText);
const fields = {
  event: { kind: 'event', category: ['web'], type: ['access'], outcome: 'success', duration: 1234567 },
  http: { request: { method: 'POST', id: 'b1e7c0de-0001', body: { bytes: 822 } }, response: { status_code: 202 } },
  url: { path: '/v1/events' },
  client: { address: '127.0.0.1', ip: '127.0.0.1' },
  user_agent: { original: 'wrk/4.2.0' },
  organization: { id: 'ten_01HZX3' },
  user: { id: 'key_01HZX4' },
};

let info: (message: string) => void;
/** Resolves once every line is out (throughput only: a slow reader would take minutes). */
let finish: () => Promise<void>;
let dropped = () => 0;
if (impl === 'lumetry') {
  const writer = fdLineWriter(1);
  const logger = createLogger({ service: 'bench', version: '0', hostname: hostname(), pid: process.pid, level: 'info', format: 'json', write: writer });
  info = (message) => logger.info(message, fields);
  finish = () => writer.flush();
  dropped = () => writer.dropped;
} else {
  const destination = pino.destination({ dest: 1, sync: false });
  const logger = pino({ ...ecsFormat({ serviceName: 'bench', serviceVersion: '0', apmIntegration: false }), base: { 'service.name': 'bench' } }, destination);
  info = (message) => logger.info(fields, message);
  finish = () => new Promise((resolve) => destination.flush(() => resolve()));
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const started = performance.now();
// Bursts of 1,000 with the event loop turning between them, as requests would arrive.
for (let i = 0; i < count; i += 1_000) {
  for (let j = 0; j < 1_000; j++) info('POST /v1/events 202');
  await new Promise((resolve) => setImmediate(resolve));
}
const produced = performance.now() - started;
if (scenario === 'throughput') await finish();
else await new Promise((resolve) => setTimeout(resolve, 1_000));
const elapsed = performance.now() - started;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
process.stderr.write(`${JSON.stringify({ impl, scenario, count, producedMs: produced, elapsedMs: elapsed, linesPerSecond: (count - dropped()) / (elapsed / 1000), peakRssMb: peakRss / 2 ** 20, dropped: dropped() })}\n`);
process.exit(0);
