// The pure rules behind deliveries: back-off with jitter and Retry-After, event-type patterns, and
// the outbound policy's address ranges and host allow-list.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchesEventType } from '../src/event-types.ts';
import { parseRetryAfter, retryDelayMs } from '../workers/backoff.ts';
import { isNonPublic, refusal, ResolutionFailed } from '../workers/outbound-policy.ts';

describe('back-off', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };
  test('the ceiling doubles per attempt and stops at the maximum; the wait is a random part of it', () => {
    assert.deepEqual([1, 2, 3, 7, 20].map((attempt) => retryDelayMs(attempt, policy, null, () => 0.999999)), [999, 1999, 3999, 59_999, 59_999]);
    assert.equal(retryDelayMs(3, policy, null, () => 0), 0);
  });
  test('Retry-After is a floor, and the maximum still caps it', () => {
    assert.equal(retryDelayMs(1, policy, 5_000, () => 0.5), 5_000);
    assert.equal(retryDelayMs(1, policy, 3_600_000, () => 0.5), 60_000);
  });
  test('Retry-After is read as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Tue, 24 Nov 2026 09:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(null, now), null);
  });
});

test('event-type patterns', () => {
  const cases: [string[], string, boolean][] = [
    [['*'], 'anything', true],
    [['order.*'], 'order.created', true],
    [['order.*'], 'order.paid.late', true],
    [['order.*'], 'order', false],
    [['order.*'], 'orders.created', false],
    [['invoice.paid'], 'invoice.paid', true],
    [['invoice.paid'], 'invoice.paid.v2', false],
    [['a', 'b.*'], 'b.x', true],
    [[], 'a', false],
  ];
  for (const [patterns, type, expected] of cases) assert.equal(matchesEventType(patterns, type), expected, `${patterns} vs ${type}`);
});

describe('outbound policy', () => {
  test('non-public addresses are recognised, v4 and v6', () => {
    for (const address of ['::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '::7f00:1', 'ff02::1', '127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
      assert.equal(isNonPublic(address), true, address);
    }
    for (const address of ['64:ff9b::808:808', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) assert.equal(isNonPublic(address), false, address);
  });

  test('blocking private ranges checks literal addresses and resolved names', async () => {
    const policy = { allowedHosts: undefined, blockPrivate: true };
    assert.match((await refusal(new URL('http://127.0.0.1:9/x'), policy))!, /non-public/);
    assert.match((await refusal(new URL('http://[::1]/x'), policy))!, /non-public/);
    assert.match((await refusal(new URL('http://[::ffff:127.0.0.1]/x'), policy))!, /non-public/, 'the URL parser turns this into ::ffff:7f00:1');
    assert.match((await refusal(new URL('http://[::ffff:169.254.169.254]/latest'), policy))!, /non-public/);
    assert.match((await refusal(new URL('https://intranet.test/x'), policy, async () => ['93.184.216.34', '10.0.0.7']))!, /non-public/);
    assert.equal(await refusal(new URL('https://hooks.test/x'), policy, async () => ['93.184.216.34']), null);
    assert.equal(await refusal(new URL('http://127.0.0.1/x'), { allowedHosts: undefined, blockPrivate: false }), null, 'off by default');
  });

  test('a name that cannot be resolved, or not in time, is not let through: the attempt fails and is retried', async () => {
    const policy = { allowedHosts: undefined, blockPrivate: true };
    const notFound = async () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    await assert.rejects(refusal(new URL('https://nowhere.test/'), policy, notFound), (error: Error) => error instanceof ResolutionFailed && /\(ENOTFOUND\)/.test(error.message));
    await assert.rejects(refusal(new URL('https://slow.test/'), policy, () => new Promise(() => {}), 50), (error: Error) => error instanceof ResolutionFailed && /within 50 ms/.test(error.message));
    await assert.rejects(refusal(new URL('https://empty.test/'), policy, async () => []), ResolutionFailed);
  });

  test('the allow-list takes exact hosts and *.suffix patterns', async () => {
    const policy = { allowedHosts: ['hooks.example.com', '*.partner.test'], blockPrivate: false };
    assert.equal(await refusal(new URL('https://hooks.example.com/a'), policy), null);
    assert.equal(await refusal(new URL('https://eu.partner.test/a'), policy), null);
    assert.match((await refusal(new URL('https://partner.test.evil.test/a'), policy))!, /not in LUMETRY_DESTINATION_ALLOWED_HOSTS/);
    assert.match((await refusal(new URL('https://example.com/a'), policy))!, /not in/);
    assert.match((await refusal(new URL('ftp://hooks.example.com/a'), policy))!, /only http and https/);
  });
});
