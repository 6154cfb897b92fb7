// compose.yaml cannot run here (no container engine), so it is checked statically: every file,
// port, setting, secret and dependency it names must exist and agree with the code.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/load.ts';
import { variables } from '../src/config/variables.ts';
import { serviceNames } from '../src/services/names.ts';
import { defaultPort } from './helpers/settings.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
};
interface Service {
  build?: { context: string; dockerfile: string };
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  depends_on?: Record<string, unknown>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}

describe('compose.yaml', () => {
  test('runs PostgreSQL and the three Lumetry processes', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['postgres', ...serviceNames].sort());
  });

  for (const name of serviceNames) {
    describe(name, () => {
      const service = compose.services[name]!;

      test('its command starts its own entry point, which exists', () => {
        const entry = service.command!.find((word) => word.startsWith('src/main/'));
        assert.equal(entry, `src/main/${name}.ts`);
        assert.ok(existsSync(join(root, entry)));
        assert.ok(service.command![0]!.startsWith('node_modules/.bin/bun'));
      });

      test('it publishes the port the process listens on by default, and checks readiness there', () => {
        const port = defaultPort(name);
        assert.equal(service.ports?.length, 1);
        assert.match(service.ports![0]!, new RegExp(`:${port}:${port}$|^${port}:${port}$`));
        assert.match(service.healthcheck!.test.join(' '), new RegExp(`http://127\\.0\\.0\\.1:${port}/readyz`));
      });

      test('every setting it passes is one Lumetry reads', () => {
        const known = new Set(Object.entries(variables).flatMap(([key, spec]) => ('secret' in spec ? [key, `${key}_FILE`] : [key])));
        for (const key of Object.keys(service.environment ?? {})) assert.ok(known.has(key), `${key} is not a Lumetry setting`);
        assert.equal(service.environment?.LUMETRY_HOST, '0.0.0.0', 'a container must listen beyond its loopback');
      });

      test('its image builds from a Dockerfile whose sources exist', () => {
        const dockerfile = join(root, service.build!.context, service.build!.dockerfile);
        assert.ok(existsSync(dockerfile));
        for (const line of readFileSync(dockerfile, 'utf8').split('\n').filter((l) => /^COPY (?!--from)/.test(l))) {
          for (const source of line.split(/\s+/).slice(1, -1)) assert.ok(existsSync(join(root, source)), `${source} in ${line}`);
        }
      });

      test('it waits for a healthy PostgreSQL', () => {
        assert.deepEqual(service.depends_on, { postgres: { condition: 'service_healthy' } });
        assert.ok(compose.services.postgres?.healthcheck);
      });
    });
  }

  test('every secret file exists, and the database URL secret is valid and matches the PostgreSQL password', () => {
    for (const [name, secret] of Object.entries(compose.secrets)) assert.ok(existsSync(join(root, secret.file)), name);
    const urlFile = join(root, compose.secrets.database_url!.file);
    const loaded = loadConfig({ LUMETRY_DATABASE_URL_FILE: urlFile }, root);
    assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.problems));
    const url = new URL(loaded.config.database.url!);
    const password = readFileSync(join(root, compose.secrets.postgres_password!.file), 'utf8').trim();
    assert.equal(decodeURIComponent(url.password), password);
    assert.equal(url.hostname, 'postgres');
    assert.equal(url.pathname, `/${compose.services.postgres!.environment!.POSTGRES_DB}`);
    assert.equal(decodeURIComponent(url.username), compose.services.postgres!.environment!.POSTGRES_USER);
  });

  test('every named volume and secret a service uses is declared', () => {
    for (const service of Object.values(compose.services)) {
      for (const secret of service.secrets ?? []) assert.ok(compose.secrets[secret], secret);
      for (const volume of service.volumes ?? []) assert.ok(volume.split(':')[0]! in compose.volumes, volume);
    }
  });
});
