// Runtime health of the process, the same on Bun and Node: CPU time, resident and heap memory,
// uptime (semantic-convention names where they exist), and event-loop delay measured by a timer's
// lateness, since perf_hooks' event-loop monitor is not available everywhere. Garbage collection
// pauses where the runtime reports them (Node does, Bun does not).
// https://opentelemetry.io/docs/specs/semconv/system/process-metrics/
import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { Meter } from '@opentelemetry/api';

const delayBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Registers the runtime instruments; returns the recorder for event-loop delay samples (in ms). */
export function runtimeMetrics(meter: Meter): (delayMs: number) => void {
  const cpu = meter.createObservableCounter('process.cpu.time', { unit: 's', description: 'CPU time used by the process, by cpu.mode.' });
  const memory = meter.createObservableUpDownCounter('process.memory.usage', { unit: 'By', description: 'Resident memory of the process.' });
  const heap = meter.createObservableUpDownCounter('lumetry.runtime.heap.used', { unit: 'By', description: 'JavaScript heap in use.' });
  const uptime = meter.createObservableGauge('process.uptime', { unit: 's', description: 'Time since the process started.' });
  meter.addBatchObservableCallback((result) => {
    const usage = process.cpuUsage();
    result.observe(cpu, usage.user / 1e6, { 'cpu.mode': 'user' });
    result.observe(cpu, usage.system / 1e6, { 'cpu.mode': 'system' });
    const memoryUsage = process.memoryUsage();
    result.observe(memory, memoryUsage.rss);
    result.observe(heap, memoryUsage.heapUsed);
    result.observe(uptime, process.uptime());
  }, [cpu, memory, heap, uptime]);
  const delay = meter.createHistogram('lumetry.runtime.event_loop.delay', {
    unit: 's',
    description: 'How late a 500 ms timer fired: time the event loop was busy when it should have run.',
    advice: { explicitBucketBoundaries: delayBuckets },
  });
  observeGarbageCollection(meter);
  return (delayMs) => delay.record(delayMs / 1000);
}

const gcTypes: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

// https://opentelemetry.io/docs/specs/semconv/runtime/v8js-metrics/
function observeGarbageCollection(meter: Meter): void {
  // Bun's type definitions leave out `supportedEntryTypes`; both runtimes have it.
  const supported = (PerformanceObserver as unknown as { supportedEntryTypes: readonly string[] }).supportedEntryTypes;
  if (!supported.includes('gc')) return;
  const duration = meter.createHistogram('v8js.gc.duration', {
    unit: 's',
    description: 'Garbage collection pauses, by v8js.gc.type (Node only).',
    advice: { explicitBucketBoundaries: [0.01, 0.1, 1, 10] },
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
      duration.record(entry.duration / 1000, { 'v8js.gc.type': gcTypes[kind] ?? 'unknown' });
    }
  }).observe({ entryTypes: ['gc'] });
}
