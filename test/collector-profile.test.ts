// The bundled OpenTelemetry Collector profile, its forwarding file, the Prometheus scrape config and
// the compose override that runs them. No Collector or container engine runs here, so the profile is
// checked statically, except its scrubbing: every pattern it applies is run, as the Collector's
// transform processor would run it, over real Lumetry secrets and over values that must survive.
// The Prometheus config goes through the real `promtool check config`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/load.ts';
import { generateApiKey, generateSigningSecret, randomToken } from '../src/secrets.ts';
import { serviceNames } from '../src/services/names.ts';
import { defaultPort, settingDefault } from './helpers/settings.ts';
import { promtoolSkip } from './helpers/tools.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => parse(readFileSync(join(root, path), 'utf8'), { merge: true });

interface Pipeline {
  receivers?: string[];
  processors?: string[];
  exporters?: string[];
}
interface CollectorConfig {
  extensions?: Record<string, unknown>;
  receivers?: Record<string, { protocols?: Record<string, { endpoint: string }> }>;
  processors?: Record<string, { trace_statements?: Statements; log_statements?: Statements; metric_statements?: Statements }>;
  exporters?: Record<string, { endpoint?: string; headers?: Record<string, string> }>;
  service: { extensions?: string[]; pipelines: Record<string, Pipeline> };
}
type Statements = { context: string; statements: string[] }[];

const profile = read('deploy/otel-collector/lumetry.yaml') as CollectorConfig;
const upstream = read('deploy/otel-collector/upstream.yaml') as CollectorConfig;
const scrub = profile.processors!['transform/scrub-credentials']!;
const signals = ['traces', 'metrics', 'logs'] as const;
const statementsOf = { traces: scrub.trace_statements!, metrics: scrub.metric_statements!, logs: scrub.log_statements! };

/** An OTTL string literal's text. */
const ottlString = (literal: string) => JSON.parse(literal) as string;

/** Go's regexp as JavaScript's: a leading (?i) becomes the i flag; the Collector's `$$` is a `$`. */
function goPattern(source: string, flags: string): RegExp {
  const insensitive = source.startsWith('(?i)');
  const body = (insensitive ? source.slice(4) : source).replaceAll('$$', '$');
  assert.doesNotMatch(body, /\(\?[^:]/, `${source}: only (?:…) groups and a leading (?i), which Go and JavaScript read alike`);
  return new RegExp(body, insensitive ? `${flags}i` : flags);
}
const goReplacement = (text: string) => text.replaceAll('$$', '$').replace(/\$\{(\d+)\}/g, '$$$1');

interface Rule {
  readonly context: string;
  readonly statement: string;
  apply(attributes: Map<string, string>, body: { text: string }): void;
}

/** The statements of one signal as rules over attribute maps and a log body, as the Collector runs them. */
function rules(statements: Statements): Rule[] {
  return statements.flatMap(({ context, statements: list }) =>
    list.map((statement): Rule => {
      const deleteKeys = /^delete_matching_keys\(attributes, ("(?:[^"\\]|\\.)*")\)$/.exec(statement);
      const values = /^replace_all_patterns\(attributes, "value", ("(?:[^"\\]|\\.)*"), ("(?:[^"\\]|\\.)*")\)$/.exec(statement);
      const body = /^replace_pattern\(body, ("(?:[^"\\]|\\.)*"), ("(?:[^"\\]|\\.)*")\)$/.exec(statement);
      if (deleteKeys) {
        const pattern = goPattern(ottlString(deleteKeys[1]!), '');
        return { context, statement, apply: (attributes) => [...attributes.keys()].filter((key) => pattern.test(key)).forEach((key) => attributes.delete(key)) };
      }
      const match = values ?? body;
      assert.ok(match, `a statement this test does not know: ${statement}`);
      const pattern = goPattern(ottlString(match[1]!), 'g');
      const replacement = goReplacement(ottlString(match[2]!));
      if (values) return { context, statement, apply: (attributes) => attributes.forEach((value, key) => attributes.set(key, value.replace(pattern, replacement))) };
      return { context, statement, apply: (_, logBody) => (logBody.text = logBody.text.replace(pattern, replacement)) };
    }),
  );
}

function scrubbed(signal: (typeof signals)[number], context: string, attributes: Record<string, string>, body = '') {
  const map = new Map(Object.entries(attributes));
  const log = { text: body };
  for (const rule of rules(statementsOf[signal]).filter((r) => r.context === context)) rule.apply(map, log);
  return { attributes: Object.fromEntries(map), body: log.text };
}

describe('Collector profile (deploy/otel-collector/lumetry.yaml)', () => {
  test('every pipeline receives OTLP, limits memory first, scrubs before batching, and forwards nothing by default', () => {
    assert.deepEqual(Object.keys(profile.service.pipelines).sort(), [...signals].sort());
    for (const [name, pipeline] of Object.entries(profile.service.pipelines)) {
      assert.deepEqual(pipeline.receivers, ['otlp'], name);
      assert.deepEqual(pipeline.processors, ['memory_limiter', 'transform/scrub-credentials', 'batch'], name);
      assert.deepEqual(pipeline.exporters, ['debug'], `${name}: nothing may leave the host until upstream.yaml is added`);
      for (const part of [...pipeline.receivers!, ...pipeline.processors!, ...pipeline.exporters!]) {
        assert.ok(part in { ...profile.receivers, ...profile.processors, ...profile.exporters }, `${name} names ${part}, which is not defined`);
      }
    }
    for (const extension of profile.service.extensions ?? []) assert.ok(extension in (profile.extensions ?? {}), extension);
    assert.equal(profile.receivers!.otlp!.protocols!.grpc!.endpoint, '0.0.0.0:4317');
    assert.equal(profile.receivers!.otlp!.protocols!.http!.endpoint, '0.0.0.0:4318');
  });

  test('every signal drops credential-named attributes, on the resource and on each item', () => {
    const planted = { 'http.request.header.authorization': 'x', 'http.request.header.cookie': 'x', 'db.password': 'x', 'app.api_key': 'x', 'oauth.access_token': 'x', 'client_secret': 'x', 'http.route': '/v1/events' };
    const items = { traces: ['span', 'spanevent'], metrics: ['datapoint'], logs: ['log'] };
    for (const signal of signals) {
      for (const context of ['resource', ...items[signal]]) assert.deepEqual(scrubbed(signal, context, planted).attributes, { 'http.route': '/v1/events' }, `${signal} ${context}`);
    }
  });

  test('every field Lumetry documents keeps its name', () => {
    const documented = [...new Set(readFileSync(join(root, 'docs/observability.md'), 'utf8').match(/(?<=`)[a-z_]+(?:\.[a-z_]+)+(?=`)/g))];
    assert.ok(documented.length > 30, `only ${documented.length} field names found in observability.md`);
    const attributes = Object.fromEntries(documented.map((key) => [key, 'kept']));
    for (const signal of signals) {
      for (const context of ['resource', signal === 'traces' ? 'span' : signal === 'logs' ? 'log' : 'datapoint']) assert.deepEqual(scrubbed(signal, context, attributes).attributes, attributes, `${signal} ${context}`);
    }
  });

  test('credential-shaped values are masked in every signal, and in log bodies', async () => {
    const secrets = [(await generateApiKey('ingest')).secret, (await generateApiKey('console')).secret, generateSigningSecret(), randomToken(), 'c2VjcmV0LXVzZXI6c2VjcmV0LXBhc3M=', 'hunter2-pass', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZW5hbnQifQ.c2lnbmF0dXJlLWJ5dGVz'];
    const [ingestKey, consoleKey, signing, token, basic, password, jwt] = secrets;
    const values = {
      'a.key': `failed for ${ingestKey}`,
      'b.text': `${consoleKey} and ${signing}`,
      'c.header': `Bearer ${token}`,
      'd.header': `Basic ${basic}`,
      'e.url': `https://hooks:${password}@hooks.example.com/in`,
      'f.url': `https://hooks.example.com/in?x=1&token=${token}&y=2`,
      'g.jwt': jwt!,
    };
    const body = Object.values(values).join(' | ');
    const contexts = { traces: ['span', 'spanevent'], metrics: ['datapoint'], logs: ['log'] };
    for (const signal of signals) {
      for (const context of contexts[signal]) {
        const { attributes, body: logBody } = scrubbed(signal, context, values, body);
        const out = JSON.stringify(attributes) + (signal === 'logs' ? logBody : '');
        for (const secret of secrets) assert.ok(!out.includes(secret!), `${signal} ${context} kept a secret that starts ${secret!.slice(0, 6)}`);
        assert.match(attributes['c.header']!, /^Bearer \[REDACTED\]$/);
        assert.equal(attributes['e.url'], 'https://[REDACTED]@hooks.example.com/in');
        assert.equal(attributes['f.url'], 'https://hooks.example.com/in?x=1&token=[REDACTED]&y=2');
      }
    }
  });

  test('ordinary values pass unchanged: routes, ids, URLs, user agents, an API key prefix', () => {
    const values = {
      'http.route': '/v1/destinations/:id',
      'trace.id': '4bf92f3577b34da6a3ce929d0e0e4736',
      'http.request.id': '0e8d1c9a-5b7e-4c1b-9f2a-3d6e7f8a9b0c',
      'url.full': 'https://hooks.example.com/in?x=1&page=2',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) curl/8.5.0',
      'lumetry.key_prefix': 'lum_ingest_AbC1_x',
      message: 'POST /v1/events 202',
    };
    for (const signal of signals) {
      for (const context of signal === 'traces' ? ['span'] : signal === 'logs' ? ['log'] : ['datapoint']) {
        assert.deepEqual(scrubbed(signal, context, values, values.message), { attributes: values, body: values.message });
      }
    }
  });
});

describe('Collector forwarding (deploy/otel-collector/upstream.yaml)', () => {
  test('added to the profile, every pipeline exports upstream, keeping the profile receivers and processors', () => {
    for (const signal of signals) {
      const merged = { ...profile.service.pipelines[signal], ...upstream.service.pipelines[signal] };
      assert.deepEqual(merged.exporters, ['otlphttp/upstream'], signal);
      assert.deepEqual(merged.processors, profile.service.pipelines[signal]!.processors, signal);
      for (const exporter of merged.exporters!) assert.ok(exporter in upstream.exporters!, exporter);
    }
  });

  test('the endpoint comes from the environment and the credential from a secret file, never from the file itself', () => {
    const exporter = upstream.exporters!['otlphttp/upstream']!;
    assert.match(exporter.endpoint!, /^\$\{env:[A-Z_]+\}$/);
    for (const value of Object.values(exporter.headers ?? {})) assert.match(value, /^\$\{file:\/run\/secrets\/[a-z_]+\}$/);
  });
});

describe('Prometheus scrape config (deploy/prometheus/prometheus.yml)', () => {
  const config = read('deploy/prometheus/prometheus.yml') as { scrape_configs: { metrics_path: string; static_configs: { targets: string[]; labels: { service: string } }[] }[] };

  test('promtool accepts it', { skip: promtoolSkip }, () => {
    const check = spawnSync('promtool', ['check', 'config', join(root, 'deploy/prometheus/prometheus.yml')], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });

  test('it scrapes each Lumetry process at its default port and metrics path', () => {
    const metricsPath = settingDefault('LUMETRY_METRICS_PATH');
    const job = config.scrape_configs[0]!;
    assert.equal(job.metrics_path, metricsPath);
    const targets = Object.fromEntries(job.static_configs.map((group) => [group.labels.service, group.targets]));
    for (const name of serviceNames) {
      assert.deepEqual(targets[name], [`${name}:${defaultPort(name)}`]);
    }
  });
});

describe('compose observability override (deploy/compose/observability.yaml)', () => {
  const base = read('compose.yaml') as { services: Record<string, unknown> };
  const override = read('deploy/compose/observability.yaml') as {
    services: Record<string, { command?: string[]; volumes?: string[]; ports?: string[]; environment?: Record<string, string> }>;
    volumes: Record<string, unknown>;
  };

  test('it mounts files that exist, where the command reads them', () => {
    for (const [name, service] of Object.entries(override.services)) {
      for (const volume of service.volumes ?? []) {
        const [source, target] = volume.split(':');
        if (source!.startsWith('./')) {
          assert.ok(existsSync(join(root, source!)), `${name}: ${source} does not exist`);
          assert.ok(service.command?.some((word) => word.endsWith(`=${target}`)), `${name}: ${target} is mounted but not read`);
        } else assert.ok(source! in override.volumes, `${name}: volume ${source} is not declared`);
      }
    }
  });

  test('the Lumetry processes export every signal to the Collector, with settings Lumetry accepts', () => {
    const collectorPort = profile.receivers!.otlp!.protocols!.http!.endpoint.split(':')[1];
    for (const name of serviceNames) {
      assert.ok(name in base.services, name);
      const environment = override.services[name]!.environment!;
      assert.equal(environment.OTEL_EXPORTER_OTLP_ENDPOINT, `http://otel-collector:${collectorPort}`);
      const loaded = loadConfig(environment, root);
      assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.problems));
      for (const signal of signals) assert.equal(loaded.config.telemetry.export[signal]?.protocol, 'http/protobuf', signal);
    }
  });

  test('only Prometheus is published, and only on the host loopback', () => {
    const published = Object.entries(override.services).flatMap(([name, service]) => (service.ports ?? []).map((port) => [name, port] as const));
    assert.deepEqual(published, [['prometheus', '127.0.0.1:9090:9090']]);
  });
});
