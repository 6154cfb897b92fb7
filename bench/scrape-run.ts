#!/usr/bin/env bun
// One side of bench/scrape, in its own process: a histogram with SERIES label sets (one observation
// each), scraped ROUNDS times as Prometheus text, by Lumetry's pull reader and serializer over the
// OpenTelemetry SDK (`lumetry`) or by prom-client (`prom-client`). Prints one JSON result on stderr.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Histogram, Registry } from 'prom-client';
import { durationBuckets } from '../src/telemetry/http-server-producer.ts';
import { PullMetricReader } from '../src/telemetry/prometheus/pull-reader.ts';

const [impl, seriesText, roundsText] = process.argv.slice(2);
const series = Number(seriesText);
const rounds = Number(roundsText);

let scrape: () => Promise<string>;
if (impl === 'lumetry') {
  // The limit is raised past the series count on purpose for this measurement; Lumetry's own readers keep 2,000.
  const reader = new PullMetricReader({ cardinalitySelector: () => series + 1 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'bench' }), readers: [reader] });
  const histogram = provider.getMeter('bench').createHistogram('bench.request.duration', { unit: 's', description: 'Bench histogram.', advice: { explicitBucketBoundaries: durationBuckets } });
  for (let i = 0; i < series; i++) histogram.record(0.01 * (i % 100), { 'http.route': `/route/${i}`, 'http.request.method': 'GET' });
  scrape = () => reader.scrape();
} else {
  const registry = new Registry();
  const histogram = new Histogram({ name: 'bench_request_duration_seconds', help: 'Bench histogram.', labelNames: ['http_route', 'http_request_method'], buckets: durationBuckets, registers: [registry] });
  for (let i = 0; i < series; i++) histogram.observe({ http_route: `/route/${i}`, http_request_method: 'GET' }, 0.01 * (i % 100));
  scrape = () => registry.metrics();
}

const first = await scrape();
let peakRss = process.memoryUsage().rss;
const started = performance.now();
for (let i = 0; i < rounds; i++) {
  await scrape();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const msPerScrape = (performance.now() - started) / rounds;
const seriesSeen = first.split('\n').filter((line) => /_count\{/.test(line)).length;
process.stderr.write(`${JSON.stringify({ impl, msPerScrape, bytes: first.length, seriesSeen, peakRssMb: peakRss / 2 ** 20 })}\n`);
