// Prometheus's own linter over exposition text (Debian package prometheus; .ci/run installs it).
import { spawnSync } from 'node:child_process';

export function promtool(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error) throw new Error(`promtool is missing (apt-get install prometheus; .ci/run does): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
