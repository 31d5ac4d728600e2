// A single call's body is checked in JS first (src/host_check.js): when JS says it is sure, the
// core skips its own decode. That is only safe if JS never accepts a body the core would refuse,
// and if what JS then returns is what the core's path returns. These tests hold the two to each
// other on the sandbox's payloads, on the corner cases JSON.parse hides, and on random mutations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ks from '../../bindings/wasm/dist/index.js';
import { fromCheckedBody } from '../../bindings/wasm/dist/results.js';
import { hostCheckedResult } from '../../bindings/wasm/dist/host_check.js';
import { wasAsIs } from '../../bindings/wasm/dist/json_checks.js';
import { startSandbox } from './support/sandbox.js';

const encoder = new TextEncoder();
const bytesOf = (body) => (typeof body === 'string' ? encoder.encode(body) : body);

// Whether the core's non-strict decode accepts the body, and its result when it does.
function coreVerdict(kind, bytes) {
  try {
    ks.__internal.coreEncoding(kind, bytes);
  } catch (error) {
    assert.ok(error instanceof ks.DecodeError, `the core refuses with a DecodeError, got ${error}`);
    return { accepted: false };
  }
  return { accepted: true, result: fromCheckedBody(kind, new TextDecoder().decode(bytes)) };
}

// The JS check's answer for `body`, held to the core's; `expect`: whether JS must be sure.
function agrees(kind, body, label, expect) {
  const bytes = bytesOf(body);
  const host = hostCheckedResult(kind, bytes);
  const core = coreVerdict(kind, bytes);
  if (host !== undefined) {
    assert.ok(core.accepted, `${label}: JS accepted a body the core refuses`);
    assert.deepEqual(host, core.result, `${label}: JS's result differs from the core path's`);
    assert.equal(JSON.stringify(host), JSON.stringify(core.result), `${label}: field order`);
  }
  if (expect !== undefined) assert.equal(host !== undefined, expect, `${label}: JS ${expect ? 'refused' : 'accepted'} it`);
  return { host: host !== undefined, core: core.accepted };
}

const usageOf = (members) => `{"data":{"key_id":"k","total_requests":3${members}}}`;
const keyOf = (members) => `{"data":[{"id":"i","key_prefix":"sk_live_a","name":"n"${members}}]}`;
const detailsOf = (members) => `{"data":{"id":"i","key_prefix":"sk_live_a","name":"n"${members}}}`;
const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);

let sb;
let samples;  // [kind, bytes, label] of real sandbox payloads
before(async () => {
  await ks.init();
  sb = await startSandbox(['--rate-limit', '0']);
  const init = { headers: { cookie: `sb-access-token=${sb.token}` } };
  const get = async (path) => new Uint8Array(await (await fetch(`${sb.url}${path}`, init)).arrayBuffer());
  const list = await get('/api/v1/keys');
  samples = [['keys', list, 'key list']];
  for (const { id } of JSON.parse(new TextDecoder().decode(list)).data) {
    samples.push(['details', await get(`/api/v1/keys/${id}`), `key ${id}`]);
    for (const days of [1, 30, 90]) samples.push(['usage', await get(`/api/v1/keys/${id}/usage?days=${days}`), `usage ${id} ${days}d`]);
  }
});
after(async () => { await sb?.stop(); });

test('every sandbox payload is checked in JS, with the core path\'s result', () => {
  for (const [kind, bytes, label] of samples) agrees(kind, bytes, label, true);
  assert.ok(samples.length >= 30, `${samples.length} payloads`);
});

test('what JSON.parse hides goes to the core, which refuses it', () => {
  const refused = [
    ['lone high surrogate in an unknown member', usageOf(',"x":"\\ud800"')],
    ['lone low surrogate in a known string', '{"data":{"key_id":"k\\uDC00","total_requests":3}}'],
    ['nested 65 deep in an unknown member', usageOf(`,"x":${nested(63)}`)],
    ['1e400 in an unknown member', usageOf(',"x":[1e400]')],
    ['-1e400 in a float field', usageOf(',"success_rate":-1e400')],
    ['an integer beyond 64 bits', usageOf(',"successful":18446744073709551616')],
    ['a fraction in an integer field', usageOf(',"successful":1.5')],
    ['a string in an integer field', usageOf(',"successful":"5"')],
    ['a boolean in an integer field', usageOf(',"window_days":true')],
    ['required key_id null', '{"data":{"key_id":null,"total_requests":3}}'],
    ['required total_requests missing', '{"data":{"key_id":"k"}}'],
    ['data null', '{"data":null}'],
    ['data an array', '{"data":[]}'],
    ['data missing', '{"meta":{}}'],
    ['an array at the top', '[{"data":{}}]'],
    ['February 30th', usageOf(',"daily":[{"date":"2026-02-30","requests":1}]')],
    ['February 29th of 2100', usageOf(',"daily":[{"date":"2100-02-29","requests":1}]')],
    ['month 13', usageOf(',"daily":[{"date":"2026-13-01","requests":1}]')],
    ['a one-digit month', usageOf(',"daily":[{"date":"2026-1-01","requests":1}]')],
    ['a date with a time', usageOf(',"daily":[{"date":"2026-01-01T00:00:00Z","requests":1}]')],
    ['hour 24', usageOf(',"rate_limit_hits_by_hour":[{"hour":"2026-05-17T24:00:00Z","count":1}]')],
    ['no zone', usageOf(',"rate_limit_hits_by_hour":[{"hour":"2026-05-17T09:00:00","count":1}]')],
    ['an offset of 24 hours', usageOf(',"rate_limit_hits_by_hour":[{"hour":"2026-05-17T09:00:00+24:00","count":1}]')],
    ['an empty fraction', usageOf(',"rate_limit_hits_by_hour":[{"hour":"2026-05-17T09:00:00.Z","count":1}]')],
    ['text after the zone', usageOf(',"rate_limit_hits_by_hour":[{"hour":"2026-05-17T09:00:00Zx","count":1}]')],
    ['a daily element that is not an object', usageOf(',"daily":[3]')],
    ['daily an object', usageOf(',"daily":{}')],
    ['a null status count', usageOf(',"by_status":{"200":null}')],
    ['a status count with a fraction', usageOf(',"by_status":{"200":0.5}')],
    ['by_status an array', usageOf(',"by_status":[1]')],
    ['a date that is a number', usageOf(',"daily":[{"date":20260101,"requests":1}]')],
  ];
  for (const [label, body] of refused) {
    const { core } = agrees('usage', body, label, false);
    assert.equal(core, false, `${label}: the core refuses it`);
  }
  const refusedKeys = [
    ['data missing', '{"meta":{"total":1}}'],
    ['meta a number', '{"data":[],"meta":3}'],
    ['meta.total a string', '{"data":[],"meta":{"total":"1"}}'],
    ['both prefixes null', keyOf(',"key_prefix":null,"key_preview":null')],
    ['key_preview a number', '{"data":[{"id":"i","key_preview":7,"name":"n"}]}'],
    ['scopes holding null', keyOf(',"scopes":[null]')],
    ['a key that is an array', '{"data":[[]]}'],
    ['a bad created_at', keyOf(',"created_at":"yesterday"')],
  ];
  for (const [label, body] of refusedKeys) {
    const { core } = agrees('keys', body, label, false);
    assert.equal(core, false, `keys, ${label}: the core refuses it`);
  }
  const refusedDetails = [
    ['usage a string', detailsOf(',"usage":"x"')],
    ['usage.daily an object', detailsOf(',"usage":{"daily":{}}')],
    ['allowed_ips a string', detailsOf(',"allowed_ips":"10.0.0.0/8"')],
  ];
  for (const [label, body] of refusedDetails) {
    const { core } = agrees('details', body, label, false);
    assert.equal(core, false, `details, ${label}: the core refuses it`);
  }
  // Invalid UTF-8 inside a string: JSON.parse after a lenient decode would take it.
  const invalid = encoder.encode(usageOf(',"x":"ab"'));
  invalid[invalid.length - 5] = 0xff;
  assert.equal(agrees('usage', invalid, 'a 0xFF byte', false).core, false);
});

test('what the core reads loosely, JS reads the same', () => {
  const accepted = [
    ['a BOM', `\ufeff${usageOf('')}`],
    ['lowercase t and z, a fraction', usageOf(',"rate_limit_hits_by_hour":[{"hour":"2026-05-17t09:00:00.123456z","count":1}]')],
    ['a space and an offset', usageOf(',"rate_limit_hits_by_hour":[{"hour":"2026-05-17 09:00:00-05:30","count":1}]')],
    ['a leap second', usageOf(',"rate_limit_hits_by_hour":[{"hour":"2016-12-31T23:59:60Z","count":1}]')],
    ['February 29th of 2024 and of 2000', usageOf(',"daily":[{"date":"2024-02-29","requests":1},{"date":"2000-02-29","requests":0}]')],
    ['integral numbers written as fractions', usageOf(',"successful":5.0,"window_days":3e1')],
    ['negative counts (a finding, not an error)', usageOf(',"client_errors":-2,"daily":[{"date":"2026-01-01","requests":-1,"errors":4}]')],
    ['nulls for every optional member', usageOf(',"window_days":null,"success_rate":null,"top_endpoints":null,"by_status":null,"daily":null')],
    ['unknown members, 62 deep', usageOf(`,"x":${nested(62)},"y":{"z":[1,"\\u00e9",null,true]}`)],
    ['a repeated member (the last wins)', '{"data":{"key_id":"a","total_requests":3,"key_id":"b"}}'],
    ['an escaped member name', '{"d\\u0061ta":{"key_id":"k","total_requests":3}}'],
    ['a __proto__ member', usageOf(',"__proto__":{"x":1},"by_status":{"__proto__":2}')],
    ['members beside data', `{"meta":{"x":[1,2]},"data":{"key_id":"k","total_requests":3},"links":null}`],
    ['non-ASCII text', '{"data":{"key_id":"ключ ✓ 𝄞","total_requests":3}}'],
  ];
  for (const [label, body] of accepted) assert.ok(agrees('usage', body, label, true).core, label);
  const acceptedKeys = [
    ['key_preview alone', '{"data":[{"id":"i","key_preview":"sk_live_b","name":"n"}]}'],
    ['an empty key_prefix beside key_preview', keyOf(',"key_prefix":"","key_preview":"sk_x"').replace('"key_prefix":"sk_live_a",', '')],
    ['meta.total and extras', '{"data":[],"meta":{"total":0,"page":1},"links":{}}'],
    ['every optional field', keyOf(',"tier":null,"scopes":["a"],"rate_limit_per_minute":60,"rate_limit_per_day":null,' +
      '"total_requests":7,"last_used_at":"2026-05-17T09:42:11Z","created_at":null,"expires_at":"2027-01-01T00:00:00+00:00","revoked_at":null')],
  ];
  for (const [label, body] of acceptedKeys) assert.ok(agrees('keys', body, label, true).core, label);
  agrees('details', detailsOf(',"allowed_ips":null,"usage":{"daily":[{"date":"2026-05-01","requests":3}],"other":1}'), 'details', true);
  agrees('details', detailsOf(',"usage":null'), 'details without usage', true);
});

test('a usage as the API sends it is the result as it is; any other shape is copied into the result', () => {
  const [, bytes] = samples.find(([kind, b]) => kind === 'usage' && JSON.parse(new TextDecoder().decode(b)).data.daily.length === 90);
  const body = JSON.parse(new TextDecoder().decode(bytes));
  agrees('usage', bytes, 'a 90-day usage', true);
  assert.equal(wasAsIs(), true, 'the API\'s own shape is the result');
  const usage = body.data;
  const reordered = Object.fromEntries(Object.entries(usage).reverse());
  const [bucket] = usage.daily;
  const variants = [
    ['members in another order', reordered],
    ['a member the result does not have', { ...usage, extra: [1] }],
    ['a member left out', (({ window_days, ...rest }) => rest)(usage)],
    ['null where the result has 0', { ...usage, successful: null }],
    ['null where the result has a list', { ...usage, top_endpoints: null }],
    ['null where the result has a map', { ...usage, by_status: null }],
    ['null for an optional member (the result keeps it)', { ...usage, success_rate: null }],
    ['a day in another order', { ...usage, daily: [{ requests: bucket.requests, date: bucket.date, errors: bucket.errors }, ...usage.daily.slice(1)] }],
    ['a day without errors', { ...usage, daily: [{ date: bucket.date, requests: bucket.requests }, ...usage.daily.slice(1)] }],
    ['a day with errors null', { ...usage, daily: [{ ...bucket, errors: null }] }],
    ['a day with a member more', { ...usage, daily: [{ ...bucket, note: 'x' }] }],
  ];
  for (const [label, data] of variants) {
    agrees('usage', JSON.stringify({ ...body, data }), label, true);
    assert.equal(wasAsIs(), label.includes('optional'), label);
  }
});

test('what the core would accept but JS cannot be sure of goes to the core', () => {
  const toCore = [
    ['a surrogate pair escape', usageOf(',"x":"\\ud83d\\ude00"')],
    ['an integer past 2^53', usageOf(',"successful":9007199254740993')],
  ];
  for (const [label, body] of toCore) {
    const { core } = agrees('usage', body, label, false);
    assert.equal(core, true, `${label}: the core accepts it`);
  }
});

// A small deterministic generator (xorshift32), so that a failure names a reproducible case.
function random(seed) {
  let x = seed;
  return (n) => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

test('random mutations of real payloads: JS never accepts what the core refuses', () => {
  const pieces = ['"', '\\', '{', '}', '[', ']', ',', ':', '0', '9', '.', 'e', '-', 'n', 'u', ' ', 'null', '1e400',
    '\\ud800', '\\uDC00', '1.5', '-1', '"x"', '[[[[[[[[[[', '18446744073709551616', 'T', 'Z', '+', '2026-02-30'];
  const bytesIn = [0x80, 0xc3, 0xed, 0xff, 0x00];
  const next = random(0x9e3779b9);
  const bases = samples.filter(([kind], i) => kind !== 'usage' || i % 7 === 0).slice(0, 12);
  let hostAccepted = 0;
  let coreRefused = 0;
  let cases = 0;
  for (let round = 0; round < 2500; round++) {
    const [kind, original] = bases[next(bases.length)];
    let bytes = original;
    for (let m = 0, edits = 1 + next(3); m < edits; m++) {
      const at = next(bytes.length);
      const choice = next(4);
      const insert = choice === 3 ? Uint8Array.of(bytesIn[next(bytesIn.length)]) : encoder.encode(pieces[next(pieces.length)]);
      const removed = choice === 0 ? 1 + next(4) : choice === 1 ? 0 : 1;
      const out = new Uint8Array(bytes.length - Math.min(removed, bytes.length - at) + insert.length);
      out.set(bytes.subarray(0, at));
      out.set(insert, at);
      out.set(bytes.subarray(Math.min(bytes.length, at + removed)), at + insert.length);
      bytes = out;
    }
    const { host, core } = agrees(kind, bytes, `mutation round ${round}`);
    cases += 1;
    if (host) hostAccepted += 1;
    if (!core) coreRefused += 1;
  }
  // Both kinds of outcome happen, so the property above was tested on each.
  assert.ok(hostAccepted > 100, `JS accepted ${hostAccepted} of ${cases}`);
  assert.ok(coreRefused > 100, `the core refused ${coreRefused} of ${cases}`);
});

test('a client call goes through the same check: hostile bodies still fail as the core says', async () => {
  const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token, maxRetries: 0 });
  const keyId = JSON.parse(new TextDecoder().decode(samples[0][1])).data[0].id;
  const serve = (body) => sb.fault({ path_contains: '/usage', mode: 'body', status: 200, body, times: 1 });
  try {
    for (const [body, message] of [
      [usageOf(',"x":"\\ud800"'), /not valid JSON/],
      [usageOf(`,"x":${nested(70)}`), /nested deeper than 64/],
      [usageOf(',"x":1e400'), /not valid JSON/],
      [usageOf(',"daily":[{"date":"2026-02-30","requests":1}]'), /not a date .* at data\.daily\[0\]\.date/],
    ]) {
      await serve(body);
      await assert.rejects(client.getUsage(keyId), (e) => e instanceof ks.DecodeError && message.test(e.message), body.slice(0, 60));
    }
    const odd = usageOf(',"extra":{"deep":[[1]]},"window_days":7.0,"rate_limit_hits_by_hour":[{"hour":"2026-05-17 09:00:00+02:00","count":2}]');
    await serve(odd);
    assert.deepEqual(await client.getUsage(keyId), coreVerdict('usage', encoder.encode(odd)).result);
  } finally {
    await sb.clearFaults();
    client.close();
  }
});

test('fetchFleet checks its usage bodies the same way: a hostile one is still the core\'s DecodeError', async () => {
  const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token, maxRetries: 0 });
  try {
    const clean = await client.fetchFleet({ days: 30, concurrency: 4 });
    assert.ok(clean.usages.length >= 5, `${clean.usages.length} usages`);
    for (const usage of clean.usages) {
      const body = encoder.encode(JSON.stringify({ data: usage }));
      assert.deepEqual(usage, coreVerdict('usage', body).result, usage.key_id);
    }
    const victim = clean.usages[1].key_id;
    await sb.fault({ path_contains: `${victim}/usage`, mode: 'body', status: 200, times: 1,
      body: usageOf(',"x":"\\udfff"').replace('"key_id":"k"', `"key_id":"${victim}"`) });
    const fleet = await client.fetchFleet({ days: 30, concurrency: 4, onError: 'collect' });
    assert.deepEqual(fleet.errors.map((e) => e.key_id), [victim]);
    assert.ok(fleet.errors[0].error instanceof ks.DecodeError, String(fleet.errors[0].error));
    assert.deepEqual(fleet.usages, clean.usages.filter((u) => u.key_id !== victim));
  } finally {
    await sb.clearFaults();
    client.close();
  }
});
