// Runs a set of checks and words the answer the way the Kubernetes API server does, so operators and
// their tooling read it without learning anything new:
//   ok                                  (success, not verbose)
//   [+]storage ok                       (one line per check when verbose, or on failure)
//   [+]messaging excluded: ok           (?exclude=messaging)
//   [-]storage failed: reason withheld  (the real error goes to the log only)
//   readyz check passed | readyz check failed
// https://kubernetes.io/docs/reference/using-api/health-checks/
import type { HealthCheck } from './check.ts';

export interface CheckResult {
  readonly name: string;
  readonly error?: unknown;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly body: string;
  readonly failures: readonly CheckResult[];
}

export async function runChecks(endpoint: string, checks: readonly HealthCheck[], options: { verbose: boolean; exclude: readonly string[] }): Promise<HealthReport> {
  const excluded = new Set(options.exclude);
  const results = await Promise.all(
    checks.map(async (check): Promise<CheckResult & { excluded: boolean }> => {
      if (excluded.has(check.name)) return { name: check.name, excluded: true };
      try {
        await check.run();
        return { name: check.name, excluded: false };
      } catch (error) {
        return { name: check.name, excluded: false, error: error ?? new Error('failed') };
      }
    }),
  );
  const failures = results.filter((r) => 'error' in r);
  const ok = failures.length === 0;
  const unknown = [...new Set(options.exclude)].filter((name) => !checks.some((c) => c.name === name)).sort();
  if (ok && !options.verbose) return { ok, body: 'ok', failures };
  const lines = results.map((r) => (r.excluded ? `[+]${r.name} excluded: ok` : 'error' in r ? `[-]${r.name} failed: reason withheld` : `[+]${r.name} ok`));
  if (unknown.length > 0) lines.push(`warn: some health checks cannot be excluded: no matches for ${unknown.map((n) => JSON.stringify(n)).join(',')}`);
  lines.push(`${endpoint} check ${ok ? 'passed' : 'failed'}`);
  return { ok, body: `${lines.join('\n')}\n`, failures };
}
