// getUsage's direct path (bindings/wasm/src/direct.js): JS sends the first attempt and settles a
// success itself; everything else is the core's. ks.__internal.throughCore sends the same call
// through the core, so each test runs a call both ways against keyscope-sandbox and holds the
// direct one to the core's: the request on the wire, the result or the error, the number of
// requests, client.rateLimit, cancellation and close().
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as ks from '../../bindings/wasm/dist/index.js';
import { startSandbox } from './support/sandbox.js';

const MISSING = '00000000-0000-4000-8000-00000000dead';
const MAX_RETRIES = 2;
const viaCore = (call) => ks.__internal.throughCore(call);

let sb;
let keys;
const sent = []; // what the clients' fetch was asked for, with the package's pending count then

// fetch() as the package calls it, recorded. pending: ks.__internal.pendingCount() when the
// request left: 1 on the direct path (the call alone), more when the core runs the call (its call
// and request are pending in the core too).
function recordingFetch(gate = null) {
  return async (url, init) => {
    sent.push({
      url, method: init.method, headers: [...init.headers], credentials: init.credentials,
      redirect: init.redirect, cache: init.cache, pending: ks.__internal.pendingCount(),
    });
    const response = await fetch(url, init);
    if (gate) await gate();
    return response;
  };
}

async function newClient(options = {}) {
  return ks.createClient({
    baseUrl: sb.url, sessionToken: sb.token, maxRetries: MAX_RETRIES, maxResponseBytes: 1 << 20,
    retry: { initialBackoffMs: 5, maxBackoffMs: 20 }, fetch: recordingFetch(), ...options,
  });
}

// {value} or {error: its user-visible fields}, the requests the sandbox saw, and what was sent.
async function outcomeOf(run) {
  const before = (await sb.stats()).requests;
  sent.length = 0;
  let outcome;
  try {
    outcome = { value: JSON.stringify(await run()) };
  } catch (error) {
    outcome = {
      error: {
        name: error.name, code: error.code, status: error.status, message: error.message,
        hasRequestId: error.requestId !== '', retryAfter: error.retryAfter, jsonPath: error.jsonPath,
        keyscope: error instanceof ks.KeyscopeError,
      },
    };
  }
  outcome.requests = (await sb.stats()).requests - before;
  outcome.sent = sent.map(({ pending, ...request }) => request);
  outcome.firstPending = sent[0]?.pending;
  return outcome;
}

// The same call on the direct path and through the core, each after `arrange()`.
async function bothWays(client, keyId, options = {}, arrange = async () => {}) {
  await arrange();
  const direct = await outcomeOf(() => client.getUsage(keyId, options));
  await sb.clearFaults();
  await arrange();
  const core = await outcomeOf(() => viaCore(() => client.getUsage(keyId, options)));
  await sb.clearFaults();
  return { direct, core };
}

function assertSameCall({ direct, core }, label) {
  assert.equal(direct.firstPending, 1, `${label}: the first attempt went direct`);
  assert.ok(core.firstPending > 1, `${label}: the core ran the other call`);
  const { firstPending: a, ...directRest } = direct;
  const { firstPending: b, ...coreRest } = core;
  assert.deepEqual(directRest, coreRest, label);
}

before(async () => {
  sb = await startSandbox(['--rate-limit', '0']);
  keys = await (await newClient()).listKeys();
});
after(async () => { await sb?.stop(); });

describe('a success', () => {
  test('goes direct: the core\'s request, the core path\'s result', async () => {
    const client = await newClient();
    for (const key of keys.slice(0, 5)) {
      for (const days of [undefined, 1, 30, 90]) {
        const both = await bothWays(client, key.id, days === undefined ? {} : { days });
        assertSameCall(both, `${key.id} ${days}d`);
        assert.equal(both.direct.requests, 1);
        assert.ok(both.direct.value.includes(`"key_id":"${key.id}"`));
      }
    }
    // An upper-case key id is one the core accepts, sent as given.
    const upper = keys[0].id.toUpperCase();
    const both = await bothWays(client, upper);
    assertSameCall(both, 'upper-case key id');
  });

  test('50 at once: each resolves to its key\'s usage and nothing stays pending', async () => {
    const client = await newClient();
    const ids = Array.from({ length: 50 }, (_, i) => keys[i % keys.length].id);
    const direct = await Promise.all(ids.map((id) => client.getUsage(id, { days: 7 })));
    const core = await Promise.all(ids.map((id) => viaCore(() => client.getUsage(id, { days: 7 }))));
    assert.equal(JSON.stringify(direct), JSON.stringify(core));
    assert.equal(ks.__internal.pendingCount(), 0);
  });
});

describe('every other answer is the core\'s, as if it had sent the first attempt', () => {
  const surrogates = (escape) => `{"data":{"key_id":"k${escape}","total_requests":1}}`;
  const cases = [
    ['500 once, then the retry succeeds', { mode: 'status', status: 500, times: 1 }],
    ['503 until the retries run out', { mode: 'status', status: 503, times: 3 }],
    ['501 (not retried)', { mode: 'status', status: 501, times: 1 }],
    ['403', { mode: 'status', status: 403, times: 1 }],
    ['429 asking for a longer wait than the client allows', { mode: 'status', status: 429, retry_after: 120, times: 1 }],
    ['a dropped connection, then the retry succeeds', { mode: 'drop', times: 1 }],
    ['a dropped connection every time', { mode: 'drop', times: 3 }],
    ['malformed JSON', { mode: 'malformed', times: 1 }],
    ['a wrong type (with its JSON path)', { mode: 'wrong_type', times: 1 }],
    ['an HTML error page', { mode: 'html', times: 3 }],
    ['a body larger than maxResponseBytes', { mode: 'oversize', bytes: 2 << 20, times: 3 }],
    ['the same, chunked', { mode: 'oversize', bytes: 2 << 20, chunked: true, times: 3 }],
    ['a paired surrogate escape (the core decodes what JS is not sure of)', { mode: 'body', body: surrogates('\\ud83d\\ude00'), times: 1 }],
    ['a lone surrogate escape', { mode: 'body', body: surrogates('\\ud800'), times: 1 }],
    // The status decides, not the body: a usage under an error status is still that error.
    ['a 500 whose body is a usage', { mode: 'body', status: 500, body: surrogates(''), times: 3 }],
    ['a 404 whose body is a usage', { mode: 'body', status: 404, body: surrogates(''), times: 1 }],
    ['a 203 (any 2xx is a success)', { mode: 'body', status: 203, body: surrogates(''), times: 1 }],
  ];
  for (const [label, fault] of cases) {
    test(label, async () => {
      const client = await newClient();
      const both = await bothWays(client, keys[0].id, { days: 7 }, () => sb.fault({ path_contains: '/usage', ...fault }));
      assertSameCall(both, label);
    });
  }

  test('an unknown key: NotFoundError', async () => {
    const both = await bothWays(await newClient(), MISSING);
    assertSameCall(both, 'unknown key');
    assert.equal(both.direct.error.name, 'NotFoundError');
  });

  test('a redirect is refused, not followed', async () => {
    const both = await bothWays(await newClient(), keys[0].id, {}, () => sb.fault({
      path_contains: '/usage', mode: 'redirect', status: 302, times: 1, location: `${sb.origin}/elsewhere?token=x`,
    }));
    assertSameCall(both, 'redirect');
    assert.equal(both.direct.error.name, 'RedirectError');
  });

  test('a timeout: handed over, retried by the core, or a TimeoutError once the retries run out', async () => {
    const client = await newClient({ timeoutMs: 150 });
    const slow = (times) => () => sb.fault({ path_contains: '/usage', mode: 'latency', latency_ms: 1000, times });
    const once = await bothWays(client, keys[0].id, {}, slow(1));
    assertSameCall(once, 'one slow answer');
    assert.ok(once.direct.value);
    assert.equal(once.direct.requests, 2);
    const always = await bothWays(client, keys[0].id, {}, slow(3));
    assertSameCall(always, 'slow every time');
    assert.equal(always.direct.error.name, 'TimeoutError');
    assert.match(always.direct.error.message, /150 ms/);
  });
});

describe('a call\'s own timeoutMs and maxRetries: still direct, the same call as the core\'s', () => {
  const fault = (f) => () => sb.fault({ path_contains: '/usage', ...f });

  test('a success, with either or both', async () => {
    const client = await newClient();
    for (const options of [{ timeoutMs: 5000 }, { maxRetries: 0 }, { timeoutMs: 3_600_000, maxRetries: 10, days: 14 }]) {
      const both = await bothWays(client, keys[1].id, options);
      assertSameCall(both, JSON.stringify(options));
      assert.ok(both.direct.value);
    }
  });

  test('maxRetries is the core\'s after the hand-over: 0 and 1 retries of a 503', async () => {
    const client = await newClient();
    const none = await bothWays(client, keys[0].id, { maxRetries: 0 }, fault({ mode: 'status', status: 503, times: 3 }));
    assertSameCall(none, 'maxRetries 0');
    assert.equal(none.direct.requests, 1);
    assert.equal(none.direct.error.status, 503);
    const one = await bothWays(client, keys[0].id, { maxRetries: 1 }, fault({ mode: 'status', status: 503, times: 3 }));
    assertSameCall(one, 'maxRetries 1');
    assert.equal(one.direct.requests, 2);
  });

  test('timeoutMs bounds the direct attempt and every retry, not the client\'s 30 s', async () => {
    const client = await newClient();
    const slow = (times) => fault({ mode: 'latency', latency_ms: 1000, times });
    const started = Date.now();
    const once = await bothWays(client, keys[0].id, { timeoutMs: 150 }, slow(1));
    assertSameCall(once, 'one slow answer');
    assert.equal(once.direct.requests, 2);
    assert.ok(once.direct.value);
    const always = await bothWays(client, keys[0].id, { timeoutMs: 150, maxRetries: 1 }, slow(2));
    assertSameCall(always, 'slow every time');
    assert.equal(always.direct.error.name, 'TimeoutError');
    assert.match(always.direct.error.message, /150 ms/);
    assert.ok(Date.now() - started < 10_000, 'no call waited for the client\'s own timeout');
  });

  test('values the core refuses are its errors, with nothing sent', async () => {
    const client = await newClient();
    for (const [options, code] of [
      [{ timeoutMs: 3_600_001 }, 'invalid_timeout'], [{ timeoutMs: 0 }, 'invalid_timeout'],
      [{ maxRetries: 11 }, 'invalid_max_retries'], [{ maxRetries: -1 }, 'invalid_max_retries'],
      [{ timeoutMs: 1.5 }, 'invalid_argument'],
    ]) {
      const outcome = await outcomeOf(() => client.getUsage(keys[0].id, options));
      assert.equal(outcome.error?.code, code, JSON.stringify(options));
      assert.equal(outcome.error.name, 'ValidationError');
      assert.equal(outcome.requests, 0);
      assert.equal(outcome.sent.length, 0);
    }
  });
});

describe('the client around a direct call', () => {
  test('rateLimit is the latest response\'s, direct or through the core', async () => {
    const limited = await startSandbox([]); // the pro tier: every response carries the headers
    try {
      const headersOf = [];
      const client = await ks.createClient({
        baseUrl: limited.url, sessionToken: limited.token,
        fetch: async (url, init) => {
          const response = await fetch(url, init);
          headersOf.push(Object.fromEntries(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']
            .map((name) => [name, Number(response.headers.get(name))])));
          return response;
        },
      });
      const expected = () => {
        const h = headersOf.at(-1);
        return { limit: h['x-ratelimit-limit'], remaining: h['x-ratelimit-remaining'], reset: h['x-ratelimit-reset'] };
      };
      const seen = () => { const { limit, remaining, reset } = client.rateLimit; return { limit, remaining, reset }; };
      const id = (await client.listKeys())[0].id;
      await client.getUsage(id);                   // direct
      assert.deepEqual(seen(), expected());
      assert.ok(expected().remaining > 0);
      await client.getUsage(id);                   // direct, read after another direct call
      await client.getKey(id);                     // the core's, after a direct one not read yet
      assert.deepEqual(seen(), expected());
      await client.getUsage(id);
      await Promise.all([client.getUsage(id), client.listKeys(), viaCore(() => client.getUsage(id))]);
      assert.deepEqual(seen(), expected());
    } finally {
      await limited.stop();
    }
  });

  test('an AbortSignal cancels the direct attempt at once', async () => {
    const client = await newClient();
    await sb.fault({ path_contains: '/usage', mode: 'latency', latency_ms: 1500, times: 1 });
    try {
      const controller = new AbortController();
      const reason = new Error('user left the page');
      const started = Date.now();
      const call = client.getUsage(keys[0].id, { signal: controller.signal });
      setTimeout(() => controller.abort(reason), 50);
      await assert.rejects(call, (e) => e instanceof ks.CancelledError && e.code === 'cancelled' && e.cause === reason);
      assert.ok(Date.now() - started < 1000, 'no wait for the answer');
      assert.equal(ks.__internal.pendingCount(), 0);
      assert.ok(await client.getUsage(keys[1].id));
    } finally {
      await sb.clearFaults();
    }
  });

  test('close() during a direct attempt: the call still settles, as the core\'s in-flight calls do', async () => {
    // The answer is held until close() has run.
    let release;
    const held = () => new Promise((r) => { release = r; });
    for (const [fault, expectError] of [[null, false], [{ mode: 'status', status: 503, times: 1 }, true]]) {
      const results = [];
      for (const run of [(call) => call(), viaCore]) {
        if (fault) await sb.fault({ path_contains: '/usage', ...fault });
        const client = await newClient({ fetch: recordingFetch(held) });
        const call = run(() => client.getUsage(keys[0].id)).then((value) => ({ value: JSON.stringify(value) }),
          (e) => ({ error: `${e.name} ${e.code} ${e.message}` }));
        while (!release) await new Promise((r) => setTimeout(r, 5));
        client.close();
        release();
        release = null;
        results.push(await call);
        await sb.clearFaults();
        assert.equal(ks.__internal.pendingCount(), 0);
        assert.equal(client.userAgent, '', 'the core\'s client is gone once its calls have settled');
      }
      assert.deepEqual(results[0], results[1]);
      // A retry after close() has nothing to send with: the core's error for it.
      assert.equal('error' in results[0], expectError, JSON.stringify(results[0]));
    }
  });

  test('strict clients and clients with a logger run every call in the core', async () => {
    const lines = [];
    const logger = { debug: (line) => lines.push(line), info() {}, warn() {}, error() {} };
    for (const options of [{ strict: true }, { logger }]) {
      const client = await newClient(options);
      sent.length = 0;
      await client.getUsage(keys[0].id);
      assert.ok(sent[0].pending > 1, JSON.stringify(options));
    }
    assert.ok(lines.some((line) => line.includes('/usage?days=30')), lines.join('\n'));
  });

  test('arguments the core refuses are its errors, with nothing sent', async () => {
    const client = await newClient();
    for (const [keyId, options, code] of [
      ['not-a-key', {}, 'invalid_key_id'], [`${keys[0].id}/../x`, {}, 'invalid_key_id'],
      [keys[0].id, { days: 0 }, 'invalid_days'], [keys[0].id, { days: 91 }, 'invalid_days'],
    ]) {
      const outcome = await outcomeOf(() => client.getUsage(keyId, options));
      assert.equal(outcome.error?.code, code);
      assert.equal(outcome.error.name, 'ValidationError');
      assert.equal(outcome.requests, 0);
    }
  });
});
