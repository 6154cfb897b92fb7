// The `lumetry` CLI on a real SQLite file: secrets are shown once and stored only as hashes, and bad
// input is refused with a reason and exit code 64 without changing anything.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../src/cli/run.ts';
import { loadRuntime } from '../src/runtime/index.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('cli');
after(() => dir.remove());

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: { LUMETRY_DATA_DIR: dir.path },
    cwd: dir.path,
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

async function json<T>(...argv: string[]): Promise<T> {
  const result = await cli(...argv, '--json');
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

/** Every value stored in a table, as text, read straight from the database file. */
async function storedText(table: string): Promise<string> {
  const db = (await loadRuntime()).openSqlite(join(dir.path, 'lumetry.db'));
  try {
    return JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all());
  } finally {
    db.close();
  }
}

describe('tenants', () => {
  test('a tenant is created and listed; a taken name is refused', async () => {
    const created = await cli('tenant', 'create', 'acme');
    assert.equal(created.code, 0);
    assert.match(created.stdout, /^created tenant ten_[0-9A-Z]{26} \(acme\)\n$/);
    const again = await cli('tenant', 'create', 'acme');
    assert.deepEqual([again.code, again.stderr], [64, 'lumetry: a tenant named "acme" exists\n']);
    const tenants = await json<{ name: string }[]>('tenant', 'list');
    assert.deepEqual(tenants.map((t) => t.name), ['acme']);
  });

  test('a bad name is refused and nothing is created', async () => {
    const result = await cli('tenant', 'create', 'bad/name!');
    assert.equal(result.code, 64);
    assert.match(result.stderr, /^lumetry: NAME must be 1 to 64 characters/);
    assert.equal((await json<unknown[]>('tenant', 'list')).length, 1);
  });
});

describe('API keys', () => {
  let secret: string;
  before(async () => {
    const created = await cli('key', 'create', 'acme', '--scope', 'ingest');
    assert.equal(created.code, 0, created.stderr);
    secret = created.stdout.split('\n')[1]!;
  });

  test('the secret is printed once, with a warning, and stored only as its SHA-256 hash', async () => {
    assert.match(secret, /^lum_ingest_[A-Za-z0-9_-]{43}$/);
    const stored = await storedText('api_keys');
    assert.ok(!stored.includes(secret), 'the secret itself is not in the database');
    assert.ok(stored.includes(createHash('sha256').update(secret).digest('hex')));
    const listed = await cli('key', 'list', 'acme');
    assert.ok(!listed.stdout.includes(secret));
    assert.match(listed.stdout, new RegExp(`${secret.slice(0, 17)}… +active`));
  });

  test('a bad scope, unknown tenant or unknown flag is refused and creates no key', async () => {
    const refused = [
      [['key', 'create', 'acme', '--scope', 'admin'], /--scope must be one of ingest, console/],
      [['key', 'create', 'nobody', '--scope', 'console'], /no tenant has the id or name "nobody"/],
      [['key', 'create', 'acme', '--scope', 'console', '--colour'], /Unknown option '--colour'/],
      [['key', 'create', 'acme', '--scope', 'console', '--url', 'http://x'], /--url does not apply to this command/],
    ] as const;
    for (const [argv, reason] of refused) {
      const result = await cli(...argv);
      assert.equal(result.code, 64, argv.join(' '));
      assert.match(result.stderr, reason);
    }
    assert.equal((await json<unknown[]>('key', 'list', 'acme')).length, 1);
  });

  test('a key is revoked once', async () => {
    const [key] = await json<{ id: string }[]>('key', 'list', 'acme');
    assert.equal((await cli('key', 'revoke', 'acme', key!.id)).code, 0);
    const again = await cli('key', 'revoke', 'acme', key!.id);
    assert.equal(again.code, 64);
    assert.match(again.stderr, /has no active key/);
  });
});

describe('destinations', () => {
  test('bad URLs and event types are refused and add nothing', async () => {
    const refused = [
      ['--url', 'ftp://files.example.test/'],
      ['--url', 'https://user:pa55w0rd@hooks.example.test/'],
      ['--url', 'not a url'],
      ['--url', 'https://hooks.example.test/', '--event-type', 'order.**'],
    ];
    for (const flags of refused) {
      const result = await cli('destination', 'add', 'acme', ...flags);
      assert.equal(result.code, 64, flags.join(' '));
      assert.doesNotMatch(result.stderr, /pa55w0rd/, 'a credential in a refused URL is not echoed');
    }
    assert.deepEqual(await json<unknown[]>('destination', 'list', 'acme'), []);
  });

  test('the signing secret is printed when added and never listed', async () => {
    const added = await cli('destination', 'add', 'acme', '--url', 'https://hooks.example.test/in', '--event-type', 'order.*');
    assert.equal(added.code, 0, added.stderr);
    const secret = /signing secret: (whsec_\S+)/.exec(added.stdout)?.[1];
    assert.ok(secret);
    const listed = await cli('destination', 'list', 'acme', '--json');
    assert.ok(!listed.stdout.includes(secret));
    assert.deepEqual(JSON.parse(listed.stdout)[0].eventTypes, ['order.*']);
  });
});

describe('usage', () => {
  test('no command prints the help; an unknown command is a usage error', async () => {
    const help = await cli();
    assert.equal(help.code, 0);
    assert.match(help.stdout, /lumetry key create TENANT --scope ingest\|console/);
    const unknown = await cli('tenants', 'create');
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /^usage: lumetry COMMAND/);
  });

  test('an invalid configuration stops the command with 78 before it touches storage', async () => {
    let stderr = '';
    const code = await runCli(['tenant', 'list'], {
      env: { LUMETRY_DATA_DIR: join(dir.path, 'never-made'), LUMETRY_DATABASE_POOL_SIZE: 'many' },
      cwd: dir.path,
      out: () => {},
      err: (text) => void (stderr += text),
    });
    assert.equal(code, 78);
    assert.match(stderr, /LUMETRY_DATABASE_POOL_SIZE: must be a whole number from 1 to 100 \(got "many"\)/);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(join(dir.path, 'never-made')), false);
  });
});
