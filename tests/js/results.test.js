// A call's result is JSON.parse of the body the core checked, shaped by src/results.js; the
// core's own encoding of its decoded model (what the package returned before, and what the CLI
// and the wheel print) is the reference. They must agree on every body the core accepts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ks from '../../bindings/wasm/dist/index.js';
import { fromCheckedBody } from '../../bindings/wasm/dist/results.js';
import { startSandbox } from './support/sandbox.js';

const encoder = new TextEncoder();

function assertSameResult(kind, text, label) {
  const reference = ks.__internal.coreEncoding(kind, encoder.encode(text));
  const fast = fromCheckedBody(kind, text);
  assert.deepEqual(fast, reference, label);
  // Same fields in the same order, not only the same values.
  assert.equal(JSON.stringify(fast), JSON.stringify(reference), `${label}: field order`);
}

let sb;
before(async () => { await ks.init(); sb = await startSandbox(['--rate-limit', '0']); });
after(async () => { await sb?.stop(); });

test('every sandbox payload: key list, each key, each usage window', async () => {
  const init = { headers: { cookie: `sb-access-token=${sb.token}` } };
  const get = async (path) => (await fetch(`${sb.url}${path}`, init)).text();
  const list = await get('/api/v1/keys');
  assertSameResult('keys', list, 'key list');
  let bodies = 1;
  for (const { id } of JSON.parse(list).data) {
    assertSameResult('details', await get(`/api/v1/keys/${id}`), `key ${id}`);
    for (const days of [1, 7, 30, 90]) {
      assertSameResult('usage', await get(`/api/v1/keys/${id}/usage?days=${days}`), `usage ${id} ${days}d`);
      bodies += 1;
    }
  }
  assert.ok(bodies >= 50, `${bodies} bodies compared`);
});

test('what the contract leaves loose: aliases, nulls, absent fields, extras, number forms', () => {
  const key = '"id":"00000000-0000-4000-8000-000000000001","name":"SIEM [soc] caf\\u00e9"';
  const lists = [
    `{"data":[{${key},"key_preview":"sk_live_ab12"}]}`,
    `{"data":[{${key},"key_prefix":"","key_preview":"sk_test_zz99","tier":null,"scopes":null}],"meta":{"total":null}}`,
    `{"data":[{${key},"key_prefix":"sk_live_ab12","rate_limit_per_minute":null,"rate_limit_per_day":1e6,` +
      '"total_requests":5.0,"last_used_at":"2026-05-17T09:42:11Z","revoked_at":null,"extra":{"x":[1]}}],' +
      '"meta":{"total":1,"page":3},"links":{}}',
    '\ufeff{"data":[],"meta":{"total":0}}',
    `{"data":[{${key},"key_prefix":"a","key_prefix":"sk_live_last"}]}`,
    // An empty key_prefix is present, not missing (found by the schema-driven mock).
    `{"data":[{${key},"key_prefix":""},{${key},"key_prefix":"","key_preview":""},{${key},"key_prefix":"","key_preview":null}]}`,
  ];
  lists.forEach((text, i) => assertSameResult('keys', text, `list ${i}`));
  const details = [
    `{"data":{${key},"key_prefix":"p","allowed_ips":["10.0.0.0/8"],"usage":{"daily":[{"date":"2026-05-01","requests":3}]}}}`,
    `{"data":{${key},"key_prefix":"p","allowed_ips":null,"usage":null}}`,
    `{"data":{${key},"key_prefix":"p","usage":{"daily":null,"other":1}}}`,
  ];
  details.forEach((text, i) => assertSameResult('details', text, `details ${i}`));
  const usages = [
    '{"data":{"key_id":"k","total_requests":0}}',
    '{"data":{"key_id":"k","total_requests":10,"window_days":null,"success_rate":1,"avg_response_time_ms":12.5,' +
      '"latency_p99_ms":0.1,"by_status":{"200":9,"__proto__":1},"top_endpoints":[{"path":"/a","count":2,"x":0}],' +
      '"daily":[{"date":"2026-05-01","requests":4,"errors":null},{"date":"2026-05-02","requests":6,"errors":1}],' +
      '"rate_limit_hits_by_hour":[{"hour":"2026-05-02T10:00:00Z","count":3}],"unknown":[true]}}',
    '{"data":{"key_id":"k","total_requests":1.0e1,"success_rate":0.98490000000000001,"by_status":{}},"meta":{}}',
  ];
  usages.forEach((text, i) => assertSameResult('usage', text, `usage ${i}`));
});
