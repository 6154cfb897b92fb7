// Configuration: every bad value is named with its reason, all at once; secrets never printed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { describeSettings } from '../src/config/describe.ts';
import { loadConfig } from '../src/config/load.ts';
import { variables } from '../src/config/variables.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('config');
after(() => dir.remove());

const secretUrl = 'postgres://lumetry:s3cr3t-Pa55@db.internal:5432/lumetry?password=other-s3cr3t';

describe('defaults', () => {
  test('an empty environment gives the documented defaults and the embedded database', () => {
    const result = loadConfig({}, '/srv/lumetry');
    assert.ok(result.ok);
    assert.equal(result.config.dataDir, '/srv/lumetry/data');
    assert.equal(result.config.database.url, undefined);
    assert.deepEqual(result.config.ports, { 'ingest-api': 8080, console: 8081, worker: 8082 });
    assert.equal(result.config.host, '127.0.0.1');
    assert.equal(result.config.log.format, 'json');
    assert.ok(Object.isFrozen(result.config) && Object.isFrozen(result.config.ports));
  });

  test('an empty string counts as unset', () => {
    const result = loadConfig({ LUMETRY_INGEST_API_PORT: '', LUMETRY_DATABASE_URL: '  ' }, '/');
    assert.ok(result.ok);
    assert.equal(result.config.ports['ingest-api'], 8080);
    assert.equal(result.config.database.url, undefined);
  });
});

describe('bad values', () => {
  const cases: [string, string, RegExp][] = [
    ['LUMETRY_INGEST_API_PORT', '80a', /must be a whole number from 0 to 65535 \(got "80a"\)/],
    ['LUMETRY_CONSOLE_PORT', '65536', /must be a whole number from 0 to 65535/],
    ['LUMETRY_WORKER_PORT', '-1', /must be a whole number/],
    ['LUMETRY_DATABASE_POOL_SIZE', '0', /from 1 to 100/],
    ['LUMETRY_SQLITE_BUSY_TIMEOUT_MS', '1.5', /whole number/],
    ['LUMETRY_SHUTDOWN_TIMEOUT_MS', '10', /from 100 to 600000/],
    ['LUMETRY_LOG_LEVEL', 'loud', /must be one of debug, info, warn, error \(got "loud"\)/],
    ['LUMETRY_LOG_FORMAT', 'xml', /must be one of json, text/],
    ['LUMETRY_HOST', 'two words', /host name or an IP address/],
    ['LUMETRY_DATABASE_URL', 'mysql://db/x', /postgres:\/\/ or postgresql:\/\/ URL/],
    ['LUMETRY_DELIVERY_CONCURRENCY', '257', /from 1 to 256/],
    ['LUMETRY_DESTINATION_BLOCK_PRIVATE', 'yes', /must be true or false/],
    ['LUMETRY_DESTINATION_ALLOWED_HOSTS', 'https://hooks.example.com/', /comma-separated list of host names/],
    ['LUMETRY_METRICS_PATH', 'metrics', /must be a URL path starting with \//],
    ['LUMETRY_METRICS_PATH', '/readyz/metrics', /must not be \/ or under \/livez, \/readyz/],
    ['LUMETRY_METRICS_ENABLED', 'on', /must be true or false/],
    ['LUMETRY_LOG_PROBES', '1', /must be true or false/],
    ['LUMETRY_SHUTDOWN_DELAY_MS', '120001', /from 0 to 120000/],
    ['LUMETRY_HEALTH_CHECK_TIMEOUT_MS', '10', /from 50 to 60000/],
    ['LUMETRY_HEARTBEAT_INTERVAL_MS', 'often', /whole number/],
    ['LUMETRY_CONSOLE_SESSION_TTL_MS', '1000', /from 60000 to/],
    ['HTTPS_PROXY', 'proxy.internal:3128', /must be the http:\/\/ or https:\/\/ URL of the proxy/],
    ['HTTP_PROXY', 'http://proxy.internal:3128/path', /with no path or query/],
    ['NO_PROXY', 'https://hooks.example.com', /comma-separated list of host names, \.domains or addresses \(no scheme\)/],
  ];
  for (const [name, value, reason] of cases) {
    test(`${name}=${value} is refused with its reason`, () => {
      const result = loadConfig({ [name]: value }, '/');
      assert.ok(!result.ok);
      assert.equal(result.problems.length, 1);
      assert.equal(result.problems[0]?.variable, name);
      assert.match(result.problems[0]!.reason, reason);
    });
  }

  test('every bad variable is listed at once', () => {
    const env = Object.fromEntries(cases.map(([name, value]) => [name, value]));
    const result = loadConfig(env, '/');
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map((p) => p.variable).sort(), [...new Set(cases.map(([name]) => name))].sort());
  });

  test("a bad secret's value is never repeated in the reason", () => {
    const result = loadConfig({ LUMETRY_DATABASE_URL: 'not-a-url-but-a-s3cr3t' }, '/');
    assert.ok(!result.ok);
    assert.doesNotMatch(JSON.stringify(result.problems), /s3cr3t/);
  });
});

describe('the egress proxy', () => {
  test('the lower-case spellings are read too, the upper-case one winning when both are set', () => {
    const result = loadConfig({ https_proxy: 'http://lower.internal:3128', HTTPS_PROXY: 'http://upper.internal:3128', http_proxy: 'http://plain.internal:3128', no_proxy: '.internal,10.0.0.0/8' }, '/');
    assert.ok(result.ok);
    assert.deepEqual(result.config.proxy, { https: 'http://upper.internal:3128', http: 'http://plain.internal:3128', noProxy: '.internal,10.0.0.0/8' });
    assert.equal(result.settings.find((s) => s.name === 'HTTP_PROXY')?.source, 'environment');
  });

  test('a bad lower-case spelling is named as the operator wrote it, its credentials never repeated', () => {
    const result = loadConfig({ https_proxy: 'user:pr0xy-s3cret@proxy.internal:3128' }, '/');
    assert.ok(!result.ok);
    assert.equal(result.problems[0]?.variable, 'https_proxy');
    assert.doesNotMatch(JSON.stringify(result.problems), /s3cret/);
  });

  test("the proxy's password is masked in the effective settings", () => {
    const result = loadConfig({ HTTPS_PROXY: 'http://lumetry:pr0xy-s3cret@proxy.internal:3128' }, '/');
    assert.ok(result.ok);
    const text = describeSettings(result.settings);
    assert.doesNotMatch(text, /s3cret/);
    assert.match(text, /HTTPS_PROXY\s+http:\/\/lumetry:\*+@proxy\.internal:3128\/\s+\(environment\)/);
  });
});

test('the destination allow-list is split, trimmed and lower-cased', () => {
  const result = loadConfig({ LUMETRY_DESTINATION_ALLOWED_HOSTS: ' Hooks.Example.com, *.partner.test ,', LUMETRY_DESTINATION_BLOCK_PRIVATE: 'true' }, '/');
  assert.ok(result.ok);
  assert.deepEqual(result.config.destinations, { allowedHosts: ['hooks.example.com', '*.partner.test'], blockPrivate: true });
});

describe('secrets from files', () => {
  test('NAME_FILE is read, with its trailing newline removed', () => {
    const file = join(dir.path, 'database-url');
    writeFileSync(file, `${secretUrl}\n`);
    const result = loadConfig({ LUMETRY_DATABASE_URL_FILE: file }, '/');
    assert.ok(result.ok);
    assert.equal(result.config.database.url, secretUrl);
    assert.equal(result.settings.find((s) => s.name === 'LUMETRY_DATABASE_URL')?.source, 'file');
  });

  test('setting both NAME and NAME_FILE is refused', () => {
    const result = loadConfig({ LUMETRY_DATABASE_URL: secretUrl, LUMETRY_DATABASE_URL_FILE: '/etc/hostname' }, '/');
    assert.ok(!result.ok);
    assert.match(result.problems[0]!.reason, /either LUMETRY_DATABASE_URL or LUMETRY_DATABASE_URL_FILE/);
  });

  test('a missing or empty file names the _FILE variable', () => {
    const empty = join(dir.path, 'empty');
    writeFileSync(empty, '\n');
    const missing = loadConfig({ LUMETRY_DATABASE_URL_FILE: join(dir.path, 'nope') }, '/');
    const blank = loadConfig({ LUMETRY_DATABASE_URL_FILE: empty }, '/');
    assert.ok(!missing.ok && !blank.ok);
    assert.match(`${missing.problems[0]!.variable}: ${missing.problems[0]!.reason}`, /^LUMETRY_DATABASE_URL_FILE: cannot read file .*nope \(ENOENT\)$/);
    assert.match(blank.problems[0]!.reason, /is empty/);
  });

  test('a _FILE variant exists only for secrets', () => {
    const result = loadConfig({ LUMETRY_LOG_LEVEL_FILE: '/etc/hostname' }, '/');
    assert.ok(result.ok);
    assert.deepEqual(result.warnings, ['unknown setting LUMETRY_LOG_LEVEL_FILE is ignored']);
  });
});

describe('display', () => {
  test('the effective settings mask the database password and query values', () => {
    const result = loadConfig({ LUMETRY_DATABASE_URL: secretUrl }, '/');
    assert.ok(result.ok);
    const text = describeSettings(result.settings);
    assert.doesNotMatch(text, /s3cr3t/);
    assert.match(text, /LUMETRY_DATABASE_URL\s+postgres:\/\/lumetry:\*+@db\.internal:5432\/lumetry\?password=\*+\s+\(environment\)/);
    assert.match(text, /LUMETRY_INGEST_API_PORT\s+8080\s+\(default\)/);
  });

  test('unknown LUMETRY_ variables are warned about, Kubernetes service links are not', () => {
    const result = loadConfig({ LUMETRY_INGEST_PORT: '9000', LUMETRY_PORT: 'tcp://10.0.0.1:80', LUMETRY_SERVICE_HOST: '10.0.0.1', LUMETRY_PORT_80_TCP_ADDR: '10.0.0.1' }, '/');
    assert.ok(result.ok);
    assert.deepEqual(result.warnings, ['unknown setting LUMETRY_INGEST_PORT is ignored']);
  });
});

test('docs/configuration.md documents every variable with its default', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
  for (const [name, spec] of Object.entries(variables)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\``));
    assert.ok(row, `${name} has no row in docs/configuration.md`);
    const expected = 'default' in spec ? `\`${spec.default}\`` : 'unset';
    assert.ok(row.includes(`| ${expected} |`), `${name}'s row does not give its default ${expected}: ${row}`);
  }
});
