// How a rejected configuration is told to the operator: every problem, one per line, on stderr.
// The process then exits with 78 (EX_CONFIG from sysexits.h), before it listens or writes anything.
import type { Problem } from './load.ts';

export const configErrorExitCode = 78;

export function formatProblems(problems: readonly Problem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`lumetry: invalid configuration (${count}):`, ...problems.map((p) => `  ${p.variable}: ${p.reason}`)].join('\n') + '\n';
}
