// The quick start's demo tenant: created once on an empty store; a key file left from an earlier
// database is replaced (its keys no longer exist) and the new one is private to the user.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createDemoTenant, demoCredentialsFile } from '../src/demo.ts';
import { hashApiKey } from '../src/secrets.ts';
import { sqliteStore } from './helpers/sqlite-store.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('demo');
after(() => dir.remove());

test('a stale key file is replaced with working keys, readable only by the user', async () => {
  const db = await sqliteStore();
  try {
    const file = join(dir.path, demoCredentialsFile);
    writeFileSync(file, '{"ingestKey":"lum_ingest_stale"}\n', { mode: 0o644 });
    assert.equal(await createDemoTenant(db.store, dir.path), file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const keys = JSON.parse(readFileSync(file, 'utf8')) as { ingestKey: string; consoleKey: string };
    const console = await db.store.findApiKeyByHash(await hashApiKey(keys.consoleKey));
    assert.deepEqual([console?.scope, console?.admin], ['console', true], 'the demo console key is an admin key');
    assert.equal((await db.store.findApiKeyByHash(await hashApiKey(keys.ingestKey)))?.scope, 'ingest');
    assert.equal(await createDemoTenant(db.store, dir.path), undefined, 'nothing is created twice');
  } finally {
    await db.close();
  }
});
