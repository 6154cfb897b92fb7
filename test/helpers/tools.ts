// System tools some tests need (Debian packages). Without them those tests are reported as skipped
// with the reason, so `npm test` passes on a machine with only Node and npm; .ci/run installs them
// and sets LUMETRY_TEST_REQUIRE_TOOLS=1, under which a missing tool fails the run instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const required = process.env.LUMETRY_TEST_REQUIRE_TOOLS === '1';

function skipUnless(present: boolean, tool: string, debianPackage: string): string | false {
  if (present) return false;
  if (required) throw new Error(`${tool} is missing but LUMETRY_TEST_REQUIRE_TOOLS=1: apt-get install ${debianPackage}`);
  return `${tool} is not installed (apt-get install ${debianPackage}; .ci/run does)`;
}

const runs = (command: string) => !spawnSync(command, ['--version'], { encoding: 'utf8' }).error;

export const chromiumPath = '/usr/bin/chromium';
export const chromiumSkip = skipUnless(existsSync(chromiumPath), 'Chromium', 'chromium');
export const promtoolSkip = skipUnless(runs('promtool'), 'promtool', 'prometheus');
export const prometheusSkip = skipUnless(runs('prometheus'), 'Prometheus', 'prometheus');
