// The client speaks: createClient({logger}) receives every request, retry and wait with the
// core's redaction; fetchFleet / usageByKey({onProgress}) report the core's FleetProgress.
// Against keyscope-sandbox over real HTTP.
import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as ks from '../../bindings/wasm/dist/index.js';
import { startSandbox } from './support/sandbox.js';

// A full secret key in the API's path (a gateway that routes by key), and the session token.
const FULL_KEY = 'sk_live_9f8e7d6c5b4a39281706';
let sb;
let keys;
let active;

before(async () => {
  sb = await startSandbox(['--rate-limit', '0', '--base-path', `/gw/${FULL_KEY}`]);
  const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
  keys = await client.listKeys();
  active = keys.filter((k) => k.revoked_at === null);
  client.close();
});
afterEach(async () => { await sb.clearFaults(); });
after(async () => { await sb?.stop(); });

// A console-like logger that records every call.
function recorder() {
  const records = [];
  const logger = {};
  for (const level of ['debug', 'info', 'warn', 'error']) {
    logger[level] = (message, fields) => records.push({ level, message, fields });
  }
  return { logger, records };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('logger', () => {
  test('every request, failure and retry with its wait, the token and full keys redacted', async () => {
    const { logger, records } = recorder();
    let first = true;
    // The user's fetch fails once with the secrets in its message (a proxy echoing the request).
    const fetchOnce = (url, init) => {
      if (!first) return fetch(url, init);
      first = false;
      return Promise.reject(new Error(`proxy refused ${url} with cookie sb-access-token=${sb.token}`));
    };
    const client = await ks.createClient({
      baseUrl: sb.url, sessionToken: sb.token, logger, fetch: fetchOnce,
      maxRetries: 3, retry: { initialBackoffMs: 5, maxBackoffMs: 20, maxServerWaitMs: 5000 },
    });
    await sb.fault({ path_contains: '/keys', mode: 'status', status: 503, retry_after: 0, times: 1 });
    assert.equal((await client.listKeys()).length, 13);
    await settle();
    client.close();

    assert.deepEqual(records.map((r) => [r.level, r.fields.event, r.fields.attempt, r.fields.status]), [
      ['debug', 'failure', 1, 0],
      ['info', 'retry', 1, 0],
      ['debug', 'response', 2, 503],
      ['info', 'retry', 2, 503],
      ['debug', 'response', 3, 200],
    ]);
    for (const { message, fields } of records) {
      const text = JSON.stringify([message, fields]);
      assert.ok(!text.includes(sb.token), `the session token leaked: ${text}`);
      assert.ok(!text.includes(FULL_KEY), `a full API key leaked: ${text}`);
      assert.equal(fields.method, 'GET');
      assert.equal(fields.path, '/gw/sk_live_9f8e[redacted]/api/v1/keys');
      assert.ok(fields.url.endsWith(fields.path), fields.url);
      assert.match(message, /^keyscope: (retrying )?GET http:\/\/127\.0\.0\.1:\d+\/gw\/sk_live_9f8e\[redacted\]\/api\/v1\/keys/);
    }
    const [failure, retry, busy, retryAfterBusy, ok] = records.map((r) => r.fields);
    assert.equal(failure.error, 'ConnectionError');
    assert.match(failure.message, /sb-access-token=\[redacted\]/);
    assert.equal(typeof failure.elapsedMs, 'number');
    assert.equal(retry.error, 'ConnectionError');
    assert.ok(retry.waitMs >= 0 && retry.waitMs <= 20, `backoff within maxBackoffMs: ${retry.waitMs}`);
    assert.equal(retryAfterBusy.error, 'ServerError');
    assert.equal(retryAfterBusy.waitMs, 0, 'the server asked for Retry-After: 0');
    assert.ok(busy.requestId.length > 0 && ok.requestId.length > 0, 'the sandbox sends X-Request-Id');
    assert.notEqual(busy.requestId, ok.requestId);
  });

  test('a logger that throws does not break a call', async () => {
    const throwing = {};
    for (const level of ['debug', 'info', 'warn', 'error']) throwing[level] = () => { throw new Error('logger down'); };
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token, logger: throwing });
    assert.equal((await client.listKeys()).length, 13);
    await settle();
    client.close();
  });

  test('the logger must have debug, info, warn and error', async () => {
    for (const logger of ['console', 42, { debug() {}, info() {}, warn() {} }]) {
      await assert.rejects(ks.createClient({ baseUrl: sb.url, sessionToken: sb.token, logger }),
        (e) => e instanceof ks.ValidationError && e.code === 'invalid_argument', String(logger));
    }
  });

  test('closing a client while a call waits to retry settles the call, nothing throws', async () => {
    const { logger, records } = recorder();
    const client = await ks.createClient({
      baseUrl: sb.url, sessionToken: sb.token, logger, maxRetries: 1, retry: { initialBackoffMs: 200, maxBackoffMs: 200 },
    });
    await sb.fault({ path_contains: '/keys', mode: 'status', status: 500, times: 1 });
    const call = client.listKeys();
    while (!records.some((r) => r.fields.event === 'retry')) await new Promise((resolve) => setTimeout(resolve, 5));
    client.close();
    await assert.rejects(call, (e) => e instanceof ks.ConnectionError && /closed/.test(e.message));
  });
});

describe('onProgress', () => {
  test('fetchFleet: 0 of N once the key list arrives, then once per key, in order', async () => {
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const seen = [];
    const fleet = await client.fetchFleet({ days: 7, concurrency: 3, onProgress: (p) => seen.push(p) });
    client.close();
    assert.equal(fleet.usages.length, active.length);
    assert.equal(seen.length, active.length + 1);
    seen.forEach((p, i) => assert.deepEqual(p, { done: i, total: active.length, failed: 0 }));
  });

  test('usageByKey too; the keys that failed are counted (onError collect)', async () => {
    const { logger } = recorder();
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token, logger });
    const victim = active[2].id;
    await sb.fault({ path_contains: `/keys/${victim}/usage`, mode: 'status', status: 404, times: 0 });
    const seen = [];
    const rows = await client.usageByKey({ days: 7, onError: 'collect', maxRetries: 0, onProgress: (p) => seen.push(p) });
    client.close();
    assert.equal(rows.length, active.length - 1);
    assert.deepEqual(rows.errors.map((e) => e.key_id), [victim]);
    assert.deepEqual(seen.at(-1), { done: active.length, total: active.length, failed: 1 });
    assert.equal(seen.filter((p) => p.failed === 1).length, seen.length - seen.findIndex((p) => p.failed === 1));
  });

  test('an onProgress that throws does not break the fleet; the logger warns', async () => {
    const { logger, records } = recorder();
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token, logger });
    let calls = 0;
    const fleet = await client.fetchFleet({
      days: 7, onProgress: () => { calls += 1; throw new Error('progress bar gone'); },
    });
    await settle();
    assert.equal(fleet.usages.length, active.length);
    assert.equal(calls, active.length + 1);
    const warnings = records.filter((r) => r.level === 'warn');
    assert.equal(warnings.length, active.length + 1);
    assert.match(warnings[0].message, /onProgress threw, ignored: progress bar gone/);
    // Without a logger the exception is ignored the same way.
    const quiet = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const again = await quiet.fetchFleet({ days: 7, onProgress: () => { throw new Error('no'); } });
    assert.equal(again.usages.length, active.length);
    client.close();
    quiet.close();
  });

  test('onProgress must be a function', async () => {
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    await assert.rejects(client.fetchFleet({ onProgress: 'bar' }),
      (e) => e instanceof ks.ValidationError && e.code === 'invalid_argument');
    client.close();
  });
});
