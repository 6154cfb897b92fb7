// End to end on each store, with the runtime running the tests: 2,000 events ingested in batches
// reach a real receiver, each exactly as sent, signed, and nothing arrives that was not ingested.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { assertNoneRunning } from './helpers/processes.ts';
import { startReceiver, signatureIsValid } from './helpers/receiver.ts';
import { sqlTargets } from './helpers/sql-targets.ts';
import { addDestination, createTenant, ingest, startStack } from './helpers/stack.ts';

for (const target of sqlTargets) {
  describe(`the pipeline on ${target.name}`, { skip: target.skip }, () => {
    after(assertNoneRunning);

    test('2,000 events are delivered once each, signed, to the destinations that match', { timeout: 120_000 }, async () => {
      const database = await target.create();
      const receiver = await startReceiver();
      try {
        const settings = await target.settings(database);
        const acme = await createTenant({ ...settings }, 'acme');
        const other = await createTenant({ ...settings }, 'other');
        const env = { ...settings };
        const all = await addDestination(env, acme.id, `${receiver.url}/all`);
        await addDestination(env, acme.id, `${receiver.url}/invoices`, '--event-type', 'invoice.*');
        await addDestination(env, acme.id, `${receiver.url}/off`, '--disabled');
        await addDestination(env, other.id, `${receiver.url}/other`);
        const stack = await startStack(env);
        try {
          const events = Array.from({ length: 2000 }, (_, n) => ({ id: `e-${n}`, type: n % 10 === 0 ? 'invoice.paid' : 'order.created', data: { n } }));
          await ingest(stack, acme.ingestKey, events);
          await receiver.until((got) => new Set(got.filter((r) => r.path === '/all').map((r) => r.headers['lumetry-event-id'])).size === 2000 && got.filter((r) => r.path === '/invoices').length >= 200);
          await new Promise((resolve) => setTimeout(resolve, 300));

          const toAll = receiver.received.filter((r) => r.path === '/all');
          const ids = new Set(toAll.map((r) => r.headers['lumetry-event-id']));
          assert.deepEqual([...ids].sort(), events.map((e) => e.id).sort(), 'every ingested event, and nothing else');
          for (const request of toAll) {
            assert.ok(signatureIsValid(request.headers['lumetry-signature'], request.body, all.signingSecret), 'signature verifies');
            const body = JSON.parse(request.body) as { id: string; type: string; data: { n: number } };
            assert.equal(body.id, request.headers['lumetry-event-id']);
            assert.deepEqual(body.data, { n: Number(body.id.slice(2)) });
            assert.equal(request.headers['content-type'], 'application/json');
            assert.match(request.headers['idempotency-key'] ?? '', /^dlv_/);
          }
          const invoices = receiver.received.filter((r) => r.path === '/invoices');
          assert.equal(new Set(invoices.map((r) => r.headers['lumetry-event-id'])).size, 200);
          assert.ok(invoices.every((r) => JSON.parse(r.body).type === 'invoice.paid'));
          assert.equal(receiver.received.filter((r) => r.path === '/off' || r.path === '/other').length, 0, "disabled and other tenants' destinations get nothing");
        } finally {
          await stack.stop();
        }
      } finally {
        await receiver.close();
        await database.destroy();
      }
    });
  });
}
