// `lumetry receive`: a real process that prints each delivery and checks its signature.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { signatureHeader } from '../workers/signature.ts';
import { assertNoneRunning, cleanEnv, start } from './helpers/processes.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('receive');
after(() => {
  assertNoneRunning();
  dir.remove();
});

test('prints deliveries, tells a valid signature from a forged one, and stops on SIGTERM', { timeout: 30_000 }, async () => {
  const secretFile = join(dir.path, 'secret');
  writeFileSync(secretFile, 'whsec_test-secret\n');
  const receiver = start('src/cli/main', ['receive', '--port', '0', '--secret-file', secretFile], cleanEnv({ LUMETRY_DATA_DIR: dir.path }));
  for (let i = 0; i < 200 && !receiver.stdout.some((l) => l.startsWith('receiving on')); i++) await new Promise((r) => setTimeout(r, 25));
  const url = /receiving on (\S+) /.exec(receiver.stdout.join('\n'))![1]!;
  const body = '{"id":"e-1","type":"order.created","data":{}}';
  const send = async (signedBody: string) =>
    fetch(`${url}hook`, { method: 'POST', headers: { 'lumetry-event-id': 'e-1', 'lumetry-event-type': 'order.created', 'lumetry-delivery-attempt': '1', 'lumetry-signature': await signatureHeader('whsec_test-secret', 1_800_000_000, signedBody) }, body });
  assert.equal((await send(body)).status, 204);
  assert.equal((await send(`${body} `)).status, 204);
  receiver.child.kill('SIGTERM');
  assert.equal((await receiver.exited).code, 0);
  const lines = receiver.stdout.filter((l) => l.includes('event=e-1'));
  assert.match(lines[0]!, /POST \/hook event=e-1 type=order\.created attempt=1 signature=valid$/);
  assert.match(lines[1]!, /signature=INVALID$/);
  assert.ok(receiver.stdout.includes(`  ${body}`));
});
