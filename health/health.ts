// The health of one process: three sets of checks (liveness, start-up, readiness) and one place that
// runs them, logs each check's change between passing and failing with the real reason, and answers
// the probes. /healthz answers like /livez.
import type { Logger } from '../src/telemetry/logger.ts';
import { errorFields } from '../src/telemetry/error-fields.ts';
import type { HealthCheck } from './check.ts';
import { type HealthReport, runChecks } from './report.ts';

export const endpoints = ['livez', 'startupz', 'readyz', 'healthz'] as const;
export type Endpoint = (typeof endpoints)[number];

export interface Health {
  report(endpoint: Endpoint, options?: { verbose?: boolean; exclude?: readonly string[] }): Promise<HealthReport>;
  checks(endpoint: Endpoint): readonly HealthCheck[];
}

export interface HealthChecks {
  readonly livez: readonly HealthCheck[];
  readonly startupz: readonly HealthCheck[];
  readonly readyz: readonly HealthCheck[];
}

export function createHealth(checks: HealthChecks, logger: Logger): Health {
  const failing = new Set<string>();
  const listFor = (endpoint: Endpoint) => (endpoint === 'healthz' ? checks.livez : checks[endpoint]);
  return {
    checks: listFor,
    report: async (endpoint, options = {}) => {
      const list = listFor(endpoint);
      const report = await runChecks(endpoint, list, { verbose: options.verbose ?? false, exclude: options.exclude ?? [] });
      const failed = new Map(report.failures.map((f) => [f.name, f.error]));
      for (const check of list) {
        if (failed.has(check.name) && !failing.has(check.name)) {
          failing.add(check.name);
          logger.warn('health check failing', { lumetry: { health_check: check.name }, error: errorFields(failed.get(check.name)) });
        } else if (!failed.has(check.name) && failing.has(check.name) && !(options.exclude ?? []).includes(check.name)) {
          failing.delete(check.name);
          logger.info('health check passing again', { lumetry: { health_check: check.name } });
        }
      }
      return report;
    },
  };
}
