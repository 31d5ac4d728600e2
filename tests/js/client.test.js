// The npm package in Node against keyscope-sandbox over real HTTP.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import * as ks from '../../bindings/wasm/dist/index.js';
import { startSandbox, TOKEN } from './support/sandbox.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MISSING = '00000000-0000-4000-8000-00000000dead';

let sb;
let client;
let keys;

before(async () => {
  sb = await startSandbox(['--rate-limit', '0']);
  client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token,
    retry: { initialBackoffMs: 5, maxBackoffMs: 20 } });
  keys = await client.listKeys();
});
after(async () => { await sb?.stop(); });

async function requestsDuring(fn) {
  const before = (await sb.stats()).requests;
  const result = await fn();
  const after = (await sb.stats()).requests;
  return { result, requests: after - before };
}

async function rejects(promise, Class, check = () => {}) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Class, `expected ${Class.name}, got ${error?.name}: ${error?.message}`);
    assert.ok(error instanceof ks.KeyscopeError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, Class.name);
    assert.equal(typeof error.status, 'number');
    assert.equal(typeof error.code, 'string');
    assert.equal(typeof error.requestId, 'string');
    assert.equal(typeof error.details, 'object');
    check(error);
    return error;
  }
  assert.fail(`expected ${Class.name}, the call succeeded`);
}

describe('endpoints', () => {
  test('listKeys returns the roster as plain snake_case objects', () => {
    assert.equal(keys.length, 13);
    for (const key of keys) {
      assert.match(key.id, UUID);
      assert.match(key.key_prefix, /^sk_(live|test)_/);
      assert.equal(typeof key.name, 'string');
      assert.equal(typeof key.total_requests, 'number');
      assert.ok(Array.isArray(key.scopes));
      assert.ok('revoked_at' in key);
      assert.equal(Object.getPrototypeOf(key), Object.prototype);
    }
    assert.ok(keys.some((k) => k.revoked_at !== null), 'the roster has a revoked key');
  });

  test('getKey returns one key with its limits', async () => {
    const details = await client.getKey(keys[0].id);
    assert.equal(details.id, keys[0].id);
    assert.equal(details.key_prefix, keys[0].key_prefix);
    assert.equal(typeof details.rate_limit_per_minute, 'number');
    assert.ok('allowed_ips' in details);
    // The per-day series is `usage.daily` (as the API and index.d.ts spell it), not `usage_daily`.
    assert.ok(Array.isArray(details.usage.daily) && details.usage.daily.length > 0);
    assert.deepEqual(Object.keys(details.usage.daily[0]).sort(), ['date', 'errors', 'requests']);
    assert.equal('usage_daily' in details, false);
  });

  test('getUsage returns a 90-day usage payload', async () => {
    const usage = await client.getUsage(keys[0].id, { days: 90 });
    assert.equal(usage.key_id, keys[0].id);
    assert.equal(usage.window_days, 90);
    assert.equal(usage.daily.length, 90);
    assert.equal(usage.total_requests, usage.successful + usage.client_errors + usage.server_errors);
    assert.equal(typeof usage.by_status, 'object');
    assert.ok(Array.isArray(usage.top_endpoints));
    const usage7 = await client.getUsage(keys[0].id, { days: 7 });
    assert.equal(usage7.daily.length, 7);
    const defaults = await client.getUsage(keys[0].id);
    assert.equal(defaults.window_days, 30);
  });

  test('fetchFleet and usageByKey cover every active key', async () => {
    const fleet = await client.fetchFleet({ days: 30, concurrency: 4 });
    const active = keys.filter((k) => k.revoked_at === null);
    assert.equal(fleet.keys.length, 13);
    assert.equal(fleet.usages.length, active.length);
    assert.equal(fleet.window_days, 30);
    const rows = await client.usageByKey({ days: 30, concurrency: 4 });
    assert.equal(rows.length, active.length);
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i - 1].request_count >= rows[i].request_count, 'sorted by request_count desc');
    }
    assert.deepEqual(rows, ks.usageByKey({ keys: fleet.keys, usages: fleet.usages }));
  });

  test('fetchFleet returns what listKeys and getUsage return, key by key, in the keys\' order', async () => {
    const fleet = await client.fetchFleet({ days: 7, concurrency: 3 });
    assert.deepEqual(Object.keys(fleet), ['keys', 'usages', 'window_days', 'errors']);
    assert.equal(JSON.stringify(fleet.keys), JSON.stringify(keys));
    const active = keys.filter((k) => k.revoked_at === null);
    assert.ok(active.length >= 2 && active.length < keys.length, 'some keys are revoked');
    const one = await Promise.all(active.map((k) => client.getUsage(k.id, { days: 7 })));
    assert.equal(JSON.stringify(fleet.usages), JSON.stringify(one));
    assert.deepEqual(fleet.errors, []);
  });

  test('rateLimit exposes the last response headers', async () => {
    await client.listKeys();
    const rl = client.rateLimit;
    assert.deepEqual(Object.keys(rl).sort(), ['limit', 'remaining', 'reset', 'retry_after']);
    assert.equal(typeof rl.reset, 'number');
  });

  test('a base URL with a path prefix', async () => {
    const prefixed = await startSandbox(['--base-path', '/proxy/keyscope']);
    try {
      assert.ok(prefixed.url.endsWith('/proxy/keyscope'));
      const c = await ks.createClient({ baseUrl: `${prefixed.url}/`, sessionToken: prefixed.token });
      assert.equal((await c.listKeys()).length, 13);
    } finally {
      await prefixed.stop();
    }
  });

  test('Node sends the session cookie, Accept and a keyscope User-Agent; custom fetch is used', async () => {
    const seen = [];
    const c = await ks.createClient({
      baseUrl: sb.url, sessionToken: sb.token,
      fetch: (url, init) => { seen.push({ url, init }); return fetch(url, init); },
    });
    await c.getKey(keys[1].id);
    assert.equal(seen.length, 1);
    const headers = seen[0].init.headers;
    assert.equal(headers.get('cookie'), `sb-access-token=${sb.token}`);
    assert.equal(headers.get('accept'), 'application/json');
    assert.match(headers.get('user-agent'), /^keyscope\/0\.1\.0 \(fetch\) keyscope-js\/0\.1\.0$/);
    assert.equal(headers.get('authorization'), null);
    assert.equal(seen[0].init.credentials, 'include');
    assert.ok(seen[0].init.signal instanceof AbortSignal);
    assert.equal(seen[0].url, `${sb.url}/api/v1/keys/${keys[1].id}`);
  });
});

describe('errors', () => {
  test('ValidationError before anything is sent', async () => {
    const { requests } = await requestsDuring(async () => {
      await rejects(client.getKey('not-a-uuid'), ks.ValidationError, (e) => assert.equal(e.status, 0));
      await rejects(client.getUsage(keys[0].id, { days: 0 }), ks.ValidationError);
      await rejects(client.getUsage(keys[0].id, { days: 91 }), ks.ValidationError);
      await rejects(client.getUsage(keys[0].id, { days: 1.5 }), ks.ValidationError);
      await rejects(client.getKey(42), ks.ValidationError);
      await rejects(client.getUsage(keys[0].id, { timeoutMs: 0 }), ks.ValidationError);
      await rejects(client.usageByKey({ concurrency: 0 }), ks.ValidationError);
      await rejects(client.getKey(keys[0].id, { signal: 'nope' }), ks.ValidationError);
    });
    assert.equal(requests, 0);
  });

  test('createClient refuses API keys, Bearer tokens and bad URLs', async () => {
    const secret = 'sk_live_abcdefghijklmnop1234';
    const e1 = await rejects(ks.createClient({ baseUrl: sb.url, sessionToken: secret }), ks.ValidationError);
    assert.ok(!e1.message.includes(secret));
    assert.ok(!String(e1).includes('abcdefghijklmnop'));
    await rejects(ks.createClient({ baseUrl: sb.url, sessionToken: `Bearer ${secret}` }), ks.ValidationError);
    await rejects(ks.createClient({ baseUrl: 'ftp://example.com', sessionToken: 't' }), ks.ValidationError);
    await rejects(ks.createClient({ baseUrl: sb.url, sessionToken: 't', maxRetries: -1 }), ks.ValidationError);
    await rejects(ks.createClient({ baseUrl: sb.url, credentials: 'sometimes' }), ks.ValidationError);
  });

  test('AuthenticationError: wrong or missing token (401), token never in the error', async () => {
    const secret = 'wrong-token-s3cr3t-value';
    const c = await ks.createClient({ baseUrl: sb.url, sessionToken: secret });
    const e = await rejects(c.listKeys(), ks.AuthenticationError, (err) => {
      assert.equal(err.status, 401);
      assert.ok(err.code.length > 0);
      assert.match(err.requestId, /^req_/);
    });
    for (const text of [e.message, String(e), JSON.stringify(e), e.stack ?? '']) {
      assert.ok(!text.includes(secret), `token leaked in: ${text}`);
    }
    const anonymous = await ks.createClient({ baseUrl: sb.url });
    await rejects(anonymous.listKeys(), ks.AuthenticationError);
  });

  test('NotFoundError for an unknown key', async () => {
    await rejects(client.getKey(MISSING), ks.NotFoundError, (e) => {
      assert.equal(e.status, 404);
      assert.equal(e.code, 'not_found');
    });
    await rejects(client.getUsage(MISSING), ks.NotFoundError);
  });

  const statusCases = [
    [403, ks.PermissionDeniedError],
    [400, ks.BadRequestError],
    [422, ks.BadRequestError],
    [501, ks.ServerError],
  ];
  for (const [status, Class] of statusCases) {
    test(`${Class.name} for ${status} (not retried)`, async () => {
      await sb.fault({ path_contains: '/usage', mode: 'status', status, times: 1 });
      try {
        const { requests } = await requestsDuring(() =>
          rejects(client.getUsage(keys[0].id), Class, (e) => assert.equal(e.status, status)));
        assert.equal(requests, 1);
      } finally {
        await sb.clearFaults();
      }
    });
  }

  // A server-controlled SIGSEGV in the native client (tests/fuzz/corpus/error_code_object.json).
  test('a 400 whose error code is an object is a BadRequestError with its request id', async () => {
    const body = readFileSync(new URL('../fuzz/corpus/error_code_object.json', import.meta.url), 'utf8');
    await sb.fault({ path_contains: '/usage', mode: 'body', status: 400, body, times: 1 });
    try {
      await rejects(client.getUsage(keys[0].id), ks.BadRequestError, (e) => {
        assert.equal(e.status, 400);
        assert.equal(e.requestId, 'req_abc124');
        assert.equal(e.code, 'http_400');
      });
    } finally {
      await sb.clearFaults();
    }
  });

  test('ServerError after the retries run out (500 x3 with maxRetries 2)', async () => {
    await sb.fault({ path_contains: '/usage', mode: 'status', status: 500, times: 3 });
    const { requests } = await requestsDuring(() =>
      rejects(client.getUsage(keys[0].id), ks.ServerError, (e) => assert.equal(e.status, 500)));
    assert.equal(requests, 3);
    await sb.clearFaults();
  });

  test('RateLimitError with retryAfter when the server asks for a long wait', async () => {
    await sb.fault({ path_contains: '/keys', mode: 'status', status: 429, retry_after: 120, times: 1 });
    await rejects(client.listKeys(), ks.RateLimitError, (e) => {
      assert.equal(e.status, 429);
      assert.equal(e.retryAfter, 120);
    });
    await sb.clearFaults();
  });

  test('RateLimitError from the free tier limit (10/min)', async () => {
    const free = await startSandbox(['--tier', 'free']);
    try {
      const c = await ks.createClient({ baseUrl: free.url, sessionToken: free.token, maxRetries: 0 });
      let error;
      for (let i = 0; i < 15 && !error; i++) {
        try { await c.listKeys(); } catch (e) { error = e; }
      }
      assert.ok(error instanceof ks.RateLimitError, `got ${error}`);
      assert.equal(error.status, 429);
      assert.ok(error.retryAfter > 0);
      assert.equal(c.rateLimit.remaining, 0);
      assert.equal(c.rateLimit.limit, 10);
    } finally {
      await free.stop();
    }
  });

  test('TimeoutError when no response comes in time', async () => {
    await sb.fault({ path_contains: '/usage', mode: 'latency', latency_ms: 3000, times: 1 });
    const started = Date.now();
    await rejects(client.getUsage(keys[0].id, { timeoutMs: 200, maxRetries: 0 }), ks.TimeoutError,
      (e) => assert.equal(e.status, 0));
    assert.ok(Date.now() - started < 2000);
    await sb.clearFaults();
  });

  test('RedirectError: a 302 to another origin is refused, not followed', async () => {
    // The session cookie must never reach another origin; Node's fetch (redirect: 'manual')
    // hands back the 302 itself, so the message names the target with its query redacted.
    const elsewhere = await startSandbox();
    try {
      const target = `${elsewhere.origin}/api/v1/keys`;
      await sb.fault({ path_contains: '/api/v1/keys', mode: 'redirect', status: 302, times: 0,
        location: `${target}?sb-access-token=${TOKEN}&q=hidden-query` });
      await rejects(client.listKeys(), ks.RedirectError, (e) => {
        assert.equal(e.status, 302);
        assert.equal(e.code, 'redirect_refused');
        assert.ok(e.message.includes(`302 with a redirect to ${target}?[redacted]`), e.message);
        assert.ok(e.message.includes('does not follow redirects'), e.message);
        assert.ok(!e.message.includes('hidden-query') && !e.message.includes(TOKEN), e.message);
      });
      assert.equal((await elsewhere.stats()).requests, 0);
    } finally {
      await sb.clearFaults();
      await elsewhere.stop();
    }
  });

  test('ConnectionError: dropped connection, and nothing listening', async () => {
    await sb.fault({ path_contains: '/usage', mode: 'drop', times: 1 });
    await rejects(client.getUsage(keys[0].id, { maxRetries: 0 }), ks.ConnectionError);
    await sb.clearFaults();
    const dead = await startSandbox();
    const url = dead.url;
    await dead.stop();
    const c = await ks.createClient({ baseUrl: url, sessionToken: TOKEN, maxRetries: 1,
      retry: { initialBackoffMs: 1 } });
    await rejects(c.listKeys(), ks.ConnectionError, (e) => assert.equal(e.status, 0));
  });

  test('DecodeError: malformed JSON and wrong types (with the JSON path)', async () => {
    await sb.fault({ path_contains: '/usage', mode: 'malformed', times: 1 });
    await rejects(client.getUsage(keys[0].id), ks.DecodeError, (e) => assert.equal(e.status, 200));
    await sb.fault({ path_contains: '/usage', mode: 'wrong_type', times: 1 });
    await rejects(client.getUsage(keys[0].id), ks.DecodeError, (e) => {
      assert.ok(e.jsonPath && e.jsonPath.length > 0, `json path: ${e.jsonPath}`);
      assert.ok(e.message.includes(e.jsonPath));
    });
    await sb.clearFaults();
  });

  test('a body over maxResponseBytes is a ConnectionError, not retried, with or without a length', async () => {
    const small = await ks.createClient({ baseUrl: sb.url, sessionToken: TOKEN, maxResponseBytes: 64 * 1024 });
    try {
      for (const chunked of [false, true]) {
        await sb.fault({ path_contains: '/usage', mode: 'oversize', bytes: 8 << 20, chunked, times: 3 });
        const before = (await sb.stats()).requests;
        await rejects(small.getUsage(keys[0].id), ks.ConnectionError, (e) => {
          assert.equal(e.code, 'response_too_large');
          assert.match(e.message, /larger than 65536 bytes/);
        });
        assert.equal((await sb.stats()).requests - before, 1, 'a too-large response is not fetched again');
        await sb.clearFaults();
      }
      // Under the limit the same client works, and the default limit takes an 8 MiB body to the decoder.
      assert.equal((await small.getUsage(keys[0].id, { days: 7 })).key_id, keys[0].id);
      await sb.fault({ path_contains: '/usage', mode: 'oversize', bytes: 8 << 20, chunked: true, times: 1 });
      await rejects(client.getUsage(keys[0].id, { maxRetries: 0 }), ks.DecodeError);
      await rejects(ks.createClient({ maxResponseBytes: 0 }), ks.ValidationError);
    } finally {
      small.close();
      await sb.clearFaults();
    }
  });

  test('an HTML error page from a proxy is a ServerError, never a crash', async () => {
    await sb.fault({ path_contains: '/keys', mode: 'html', times: 3 });
    await rejects(client.listKeys(), ks.ServerError, (e) => assert.equal(e.status, 502));
    await sb.clearFaults();
  });
});

describe('retries, cancellation, concurrency', () => {
  test('503 twice, then success: three requests', async () => {
    await sb.fault({ path_contains: '/usage', mode: 'status', status: 503, times: 2 });
    const { result, requests } = await requestsDuring(() => client.getUsage(keys[0].id));
    assert.equal(result.key_id, keys[0].id);
    assert.equal(requests, 3);
  });

  test('Retry-After is honoured', async () => {
    await sb.fault({ path_contains: '/keys', mode: 'status', status: 429, retry_after: 1, times: 1 });
    const started = Date.now();
    const { result, requests } = await requestsDuring(() => client.listKeys());
    const elapsed = Date.now() - started;
    assert.equal(result.length, 13);
    assert.equal(requests, 2);
    assert.ok(elapsed >= 950, `waited only ${elapsed} ms`);
  });

  test('abort through an AbortSignal: in flight, and before the call', async () => {
    await sb.fault({ path_contains: '/usage', mode: 'latency', latency_ms: 3000, times: 1 });
    const controller = new AbortController();
    const started = Date.now();
    const call = client.getUsage(keys[0].id, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await rejects(call, ks.CancelledError, (e) => assert.equal(e.code, 'cancelled'));
    assert.ok(Date.now() - started < 1500);
    assert.equal(ks.AbortError, ks.CancelledError);
    await rejects(client.listKeys({ signal: AbortSignal.abort() }), ks.CancelledError);
    await sb.clearFaults();
  });

  test('abort during a retry backoff', async () => {
    await sb.fault({ path_contains: '/keys', mode: 'status', status: 503, retry_after: 5, times: 1 });
    const controller = new AbortController();
    const started = Date.now();
    const call = client.listKeys({ signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await rejects(call, ks.CancelledError);
    assert.ok(Date.now() - started < 1500);
    // The retry wait ended with the call: no timer is left to keep Node's event loop alive for
    // the rest of the Retry-After.
    assert.equal(ks.__internal.pendingCount(), 0);
    await sb.clearFaults();
  });

  test('a script that aborts a call during a 30 s retry wait exits at once', async () => {
    await sb.fault({ path_contains: '/keys', mode: 'status', status: 503, retry_after: 30, times: 1 });
    const script = `
      import * as ks from ${JSON.stringify(new URL('../../bindings/wasm/dist/index.js', import.meta.url).href)};
      const client = await ks.createClient({ baseUrl: process.env.BASE, sessionToken: process.env.TOKEN });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      try { await client.listKeys({ signal: controller.signal }); } catch (e) { console.log(e.code); }`;
    const started = Date.now();
    const out = await new Promise((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script],
        { env: { ...process.env, BASE: sb.url, TOKEN: sb.token }, timeout: 20000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
    });
    await sb.clearFaults();
    assert.equal(out.trim(), 'cancelled');
    // The retry timer went with the call: Node exits without waiting out the 30 s.
    assert.ok(Date.now() - started < 10000, `the script took ${Date.now() - started} ms to exit`);
  });

  test('50 concurrent getUsage calls overlap (latency 100 ms each)', async () => {
    const slow = await startSandbox(['--latency-ms', '100', '--rate-limit', '0']);
    try {
      // Count fetches in flight: overlap is a property of the transport, not of the clock, so
      // the test holds on a loaded machine too.
      let inFlight = 0;
      let maxInFlight = 0;
      const countingFetch = async (...args) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await fetch(...args);
        } finally {
          inFlight--;
        }
      };
      const c = await ks.createClient({ baseUrl: slow.url, sessionToken: slow.token, fetch: countingFetch });
      const ids = (await c.listKeys()).map((k) => k.id);
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
        c.getUsage(ids[i % ids.length], { days: 30 })));
      const elapsed = Date.now() - started;
      assert.equal(results.length, 50);
      results.forEach((u, i) => assert.equal(u.key_id, ids[i % ids.length]));
      assert.ok(maxInFlight >= 25, `only ${maxInFlight} of 50 calls were in flight together (${elapsed} ms)`);
    } finally {
      await slow.stop();
    }
  });

  // Live allocations (the core's mallinfo), not the wasm memory size: that one only grows, in
  // 64 KiB steps, so a leak below a step per run, or one hidden by an earlier peak, kept it flat.
  // The slack (4 KiB) is below what one leaked allocation per call adds (dlmalloc's smallest
  // chunk is 16 bytes: 16 KB over 1000 calls, 1.6 MB over 100k decodes). The warm-up reaches the
  // same concurrency as the measured rounds, so the core's tables are already at their size.
  test('nothing leaks: 1000 getUsage calls and 100k decodes leave no live allocations behind', async () => {
    const id = keys[0].id;
    const slack = 4 * 1024;
    for (let i = 0; i < 100; i++) await client.getUsage(id, { days: 90 });
    await Promise.all(Array.from({ length: 100 }, () => client.getUsage(id, { days: 90 })));
    const liveWarm = ks.__internal.heapInUse();
    assert.ok(liveWarm > 0, 'mallinfo reports nothing');
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 100 }, () => client.getUsage(id, { days: 90 })));
    }
    const liveAfterCalls = ks.__internal.heapInUse();
    assert.ok(liveAfterCalls - liveWarm <= slack, `live heap grew by ${liveAfterCalls - liveWarm} bytes across 1000 getUsage calls`);
    assert.equal(ks.__internal.pendingCount(), 0);

    const body = new Uint8Array(await (await fetch(`${sb.url}/api/v1/keys/${id}/usage?days=1`,
      { headers: { cookie: `sb-access-token=${sb.token}` } })).arrayBuffer());
    for (let i = 0; i < 1000; i++) ks.__internal.decode('usage', body);
    const liveDecodeWarm = ks.__internal.heapInUse();
    for (let i = 0; i < 100000; i++) ks.__internal.decode('usage', body);
    const liveAfterDecodes = ks.__internal.heapInUse();
    assert.ok(liveAfterDecodes - liveDecodeWarm <= slack, `live heap grew by ${liveAfterDecodes - liveDecodeWarm} bytes across 100k decodes`);
  });
});
