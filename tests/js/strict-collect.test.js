// Tolerant by default, strict on request (createClient({strict})), and fleet fetches that collect
// per-key errors (fetchFleet / usageByKey onError: 'collect') -- as the CLI's --strict and report
// and the Python wheel's Client(strict=...) / errors="collect" (tests/python/test_strict_and_collect.py).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as ks from '../../bindings/wasm/dist/index.js';
import { startSandbox } from './support/sandbox.js';

let sb;
let client;
let keys;

before(async () => {
  sb = await startSandbox(['--rate-limit', '0']);
  client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
  keys = await client.listKeys();
});
afterEach(async () => { await sb.clearFaults(); });
after(async () => { client?.close(); await sb?.stop(); });

const active = () => keys.filter((k) => k.revoked_at === null);
const victim = () => active().find((k) => k.name.startsWith('Partner feed')).id;

// A real usage payload of the sandbox with client_errors = -3 (type-valid, implausible).
async function oddUsageBody(keyId) {
  const r = await fetch(`${sb.url}/api/v1/keys/${keyId}/usage?days=7`,
    { headers: { cookie: `sb-access-token=${sb.token}` } });
  const doc = await r.json();
  doc.data.client_errors = -3;
  return JSON.stringify(doc);
}

test('tolerant by default: a negative count decodes and is a checkUsage finding', async () => {
  const keyId = active()[0].id;
  await sb.fault({ path_contains: '/usage', mode: 'body', status: 200, body: await oddUsageBody(keyId), times: 1 });
  const usage = await client.getUsage(keyId, { days: 7, maxRetries: 0 });
  assert.equal(usage.client_errors, -3);
  const failing = ks.checkUsage({ usage }).filter((c) => !c.ok).map((c) => c.check);
  assert.ok(failing.includes('non_negative'), JSON.stringify(failing));
});

test('strict: the implausible usage is a DecodeError naming data.client_errors', async () => {
  const keyId = active()[0].id;
  const strict = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token, strict: true });
  try {
    await sb.fault({ path_contains: '/usage', mode: 'body', status: 200, body: await oddUsageBody(keyId), times: 1 });
    await assert.rejects(strict.getUsage(keyId, { days: 7, maxRetries: 0 }), (error) => {
      assert.ok(error instanceof ks.DecodeError, String(error));
      assert.equal(error.jsonPath, 'data.client_errors');
      return true;
    });
  } finally {
    strict.close();
  }
});

test('strict must be a boolean', async () => {
  await assert.rejects(ks.createClient({ baseUrl: sb.url, sessionToken: sb.token, strict: 'yes' }),
    ks.ValidationError);
});

test("fetchFleet onError 'collect': the other keys' usages and the failure as a NotFoundError", async () => {
  const id = victim();
  await sb.fault({ path_contains: `${id}/usage`, mode: 'status', status: 404, times: 0 });
  const fleet = await client.fetchFleet({ days: 7, concurrency: 4, onError: 'collect' });
  assert.equal(fleet.usages.length, 11);
  assert.equal(active().length, 12);
  assert.deepEqual(fleet.usages.map((u) => u.key_id), active().map((k) => k.id).filter((k) => k !== id),
    'the other keys, in the keys\' order');
  assert.equal(fleet.keys.length, keys.length, 'the key list itself is whole');
  assert.deepEqual(Object.keys(fleet).sort(), ['errors', 'keys', 'usages', 'window_days']);
  assert.equal(fleet.errors.length, 1);
  assert.deepEqual(Object.keys(fleet.errors[0]).sort(), ['error', 'key_id']);
  assert.equal(fleet.errors[0].key_id, id);
  assert.ok(fleet.errors[0].error instanceof ks.NotFoundError, String(fleet.errors[0].error));
  assert.ok(fleet.errors[0].error instanceof ks.KeyscopeError);
  assert.equal(fleet.errors[0].error.status, 404);
  // The helpers given this fleet leave the failed key out (as keyscope report does).
  const rows = ks.usageByKey(fleet);
  assert.equal(rows.length, 11);
  assert.ok(!rows.some((r) => r.key_id === id));
  assert.doesNotThrow(() => ks.detectAnomalies({ ...fleet, now: '2026-05-17T12:00:00Z' }));
});

test("client.usageByKey onError 'collect': rows without the failed key, errors on the array", async () => {
  const id = victim();
  await sb.fault({ path_contains: `${id}/usage`, mode: 'status', status: 404, times: 0 });
  const rows = await client.usageByKey({ days: 7, onError: 'collect' });
  assert.ok(Array.isArray(rows));
  assert.equal(rows.length, 11);
  assert.ok(!rows.some((r) => r.key_id === id));
  assert.deepEqual(rows.errors.map((e) => e.key_id), [id]);
  assert.ok(rows.errors[0].error instanceof ks.NotFoundError);
  assert.equal(JSON.stringify(rows).startsWith('['), true, 'serialises as a plain array');
});

test("default ('raise'): the first failure rejects with NotFoundError", async () => {
  const id = victim();
  await sb.fault({ path_contains: `${id}/usage`, mode: 'status', status: 404, times: 0 });
  await assert.rejects(client.fetchFleet({ days: 7 }), ks.NotFoundError);
  await assert.rejects(client.fetchFleet({ days: 7, onError: 'raise' }), ks.NotFoundError);
  await assert.rejects(client.usageByKey({ days: 7 }), ks.NotFoundError);
});

test('no failure: errors is empty in both modes', async () => {
  const fleet = await client.fetchFleet({ days: 7, onError: 'collect' });
  assert.deepEqual(fleet.errors, []);
  assert.equal(fleet.usages.length, 12);
  assert.deepEqual((await client.fetchFleet({ days: 7 })).errors, []);
  assert.deepEqual((await client.usageByKey({ days: 7 })).errors, []);
});

test('onError is checked', async () => {
  await assert.rejects(client.fetchFleet({ onError: 'ignore' }), ks.ValidationError);
  await assert.rejects(client.usageByKey({ onError: true }), ks.ValidationError);
});
