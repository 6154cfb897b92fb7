// Prometheus's own linter over exposition text (Debian package prometheus; tests that use it skip
// with `promtoolSkip` where it is missing).
import { spawnSync } from 'node:child_process';

export function promtool(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
