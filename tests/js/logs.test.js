// Logs in the npm package: summarizeLogs / LogReader / reconcile / client.reconcile over every
// kind of source, chunked anywhere, cancellable, with typed errors; and the reconciliation of a
// real sandbox's fleet with the egress log the sandbox emits, which must find exactly the
// incidents it planted (planted.json).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ks from '../../bindings/wasm/dist/index.js';
import { startSandbox, sandboxPath, NOW } from './support/sandbox.js';

// A deterministic generator (tests must not depend on Math.random).
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SECRET_A = 'sk_live_Ab12' + 'Q'.repeat(20) + 'x9Y8z7W6v5U4t3S2'; // 12 + 28 = 40 characters
const SECRET_B = 'sk_test_Cd34' + 'r'.repeat(28);

// JSON lines over three days ending on NOW's day, with multi-byte UTF-8 in paths, full secret
// keys after "Bearer ", one unparseable line, one without a status, one out of the window.
function sampleLog(lines = 600) {
  const random = prng(7);
  const out = [];
  const paths = ['/api/v1/iocs?type=ipv4', '/api/v1/stix', '/api/v1/articles/é✓', '/api/v1/🔑/lookup'];
  for (let i = 0; i < lines; i++) {
    const day = 15 + Math.floor(random() * 3);
    const second = Math.floor(random() * 43000);
    const ts = new Date(Date.UTC(2026, 4, day, 0, 0, second, Math.floor(random() * 1000))).toISOString();
    const key = random() < 0.7 ? SECRET_A : SECRET_B;
    const status = random() < 0.9 ? 200 : random() < 0.5 ? 429 : 503;
    const path = paths[Math.floor(random() * paths.length)];
    out.push(JSON.stringify({ timestamp: ts, path, status, duration_ms: Math.round(random() * 5000) / 10,
      authorization: `Bearer ${key}` }));
  }
  out.splice(10, 0, '{"timestamp": not json');
  out.splice(20, 0, JSON.stringify({ timestamp: '2026-05-16T01:00:00Z', path: '/x', authorization: `Bearer ${SECRET_A}` }));
  out.splice(30, 0, JSON.stringify({ timestamp: '2026-01-01T01:00:00Z', path: '/x', status: 200, authorization: `Bearer ${SECRET_A}` }));
  return `${out.join('\n')}\n`;
}

const WINDOW = { days: 3, now: NOW };

function streamOf(bytes, sizes) {
  let at = 0;
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const size = sizes[i++ % sizes.length];
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

before(async () => { await ks.init(); });

describe('summarizeLogs and LogReader', () => {
  const text = sampleLog();
  const bytes = new TextEncoder().encode(text);
  let reference;

  before(async () => { reference = await ks.summarizeLogs(text, WINDOW); });

  test('the summary has the keys, the bad lines by kind and the API usage shape', () => {
    assert.deepEqual(reference.usages.map((u) => u.key_id).sort(), ['sk_live_Ab12', 'sk_test_Cd34']);
    assert.equal(reference.window_days, 3);
    assert.equal(reference.lines, 603);
    assert.equal(reference.records, 600);
    assert.ok(reference.full_keys_seen >= 600, String(reference.full_keys_seen));
    const bad = Object.fromEntries(reference.bad_lines.map((b) => [b.kind, b]));
    assert.deepEqual(Object.keys(bad).sort(), ['missing_field', 'out_of_window', 'unparseable']);
    assert.deepEqual(bad.unparseable.first_lines, [11]);
    const total = reference.usages.reduce((sum, u) => sum + u.total_requests, 0);
    assert.equal(total, 600);
    for (const usage of reference.usages) {
      assert.equal(usage.window_days, 3);
      assert.equal(usage.daily.length > 0, true);
      assert.equal(usage.successful + usage.client_errors + usage.server_errors, usage.total_requests);
    }
  });

  test('the same core as the summarize_logs helper (the shared vectors\' entry point)', () => {
    const viaHelper = ks.runHelper('summarize_logs', { log: text, window_days: 3, end_date: NOW.slice(0, 10) });
    assert.deepEqual(reference, viaHelper);
  });

  test('chunks cut anywhere (inside UTF-8 sequences, one byte at a time) give the one-shot summary', () => {
    for (const seed of [1, 2, 3]) {
      const random = prng(seed);
      const reader = new ks.LogReader(WINDOW);
      for (let at = 0; at < bytes.length;) {
        const size = 1 + Math.floor(random() * (seed === 1 ? 3 : 700));
        reader.feed(bytes.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(reader.summary(), reference, `seed ${seed}`);
      reader.dispose();
    }
  });

  test('every source: string, Uint8Array, ArrayBuffer, DataView, Blob, ReadableStream, async iterable', async () => {
    const sources = {
      string: text,
      uint8array: bytes,
      arraybuffer: bytes.slice().buffer,
      dataview: new DataView(bytes.slice().buffer),
      blob: new Blob([bytes]),
      'blob.stream()': new Blob([bytes]).stream(),
      'odd-sized stream': streamOf(bytes, [1, 2, 3, 5, 8, 13, 4096, 77]),
      'async iterable': (async function* gen() { for (let at = 0; at < bytes.length; at += 999) yield bytes.subarray(at, at + 999); }()),
    };
    for (const [name, source] of Object.entries(sources)) {
      for (const chunkBytes of [17, 4096, undefined]) {
        const source2 = name === 'string' || name === 'uint8array' || name === 'arraybuffer' || name === 'dataview' || name === 'blob'
          ? source : null;
        if (chunkBytes !== undefined && !source2) continue;  // a stream reads once
        const summary = await ks.summarizeLogs(source2 ?? source, { ...WINDOW, chunkBytes });
        assert.deepEqual(summary, reference, `${name}, chunkBytes ${chunkBytes}`);
      }
    }
  });

  test('a Node read stream (async iterable of Buffers) from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyscope-logs-'));
    try {
      const path = join(dir, 'egress.jsonl');
      execFileSync('sh', ['-c', 'cat > "$1"', 'sh', path], { input: text });
      assert.deepEqual(await ks.summarizeLogs(createReadStream(path, { highWaterMark: 333 }), WINDOW), reference);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('onProgress reports the bytes read; each chunk ends with a yield to the event loop', async () => {
    const seen = [];
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 0);
    try {
      await ks.summarizeLogs(new Blob([bytes]), { ...WINDOW, chunkBytes: 4096, onProgress: (p) => seen.push({ ...p, ticks }) });
    } finally {
      clearInterval(timer);
    }
    assert.equal(seen.at(-1).bytesRead, bytes.length);
    assert.ok(seen.every((p) => p.totalBytes === bytes.length));
    assert.ok(seen.length >= Math.floor(bytes.length / 4096));
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].bytesRead >= seen[i - 1].bytesRead);
    // Timers ran while the log was read: the reader gave the event loop its turns.
    assert.ok(seen.at(-1).ticks > 0, 'no timer ran during the read');
  });

  test('merge: two halves read apart and merged equal the whole (also through aggregateJson)', () => {
    const cut = text.indexOf('\n', Math.floor(text.length / 2)) + 1;
    const first = new ks.LogReader(WINDOW).feed(text.slice(0, cut));
    const second = new ks.LogReader(WINDOW).feed(text.slice(cut));
    const json = second.aggregateJson();
    assert.equal(typeof json, 'string');
    assert.deepEqual(first.merge(json).summary(), reference);
    const third = new ks.LogReader(WINDOW).feed(text.slice(0, cut));
    assert.deepEqual(third.merge(new ks.LogReader(WINDOW).feed(text.slice(cut))).summary(), reference);
    for (const reader of [first, second, third]) reader.dispose();
  });

  test('CSV and nginx logs with the user\'s own field names and log_format', async () => {
    const csv = 'when,auth,url,code,took_s\r\n' +
      `2026-05-17T01:00:00Z,Bearer ${SECRET_A},"/api/v1/x?a=1,2",200,0.25\r\n` +
      `2026-05-17T02:00:00Z,Bearer ${SECRET_A},/api/v1/y,500,0.5\r\n`;
    const fromCsv = await ks.summarizeLogs(csv, { ...WINDOW, format: 'csv', latencyUnit: 's',
      fields: { time: 'when', key: 'auth', path: 'url', status: 'code', latency: 'took_s' } });
    assert.equal(fromCsv.records, 2);
    assert.equal(fromCsv.usages[0].key_id, 'sk_live_Ab12');
    assert.equal(fromCsv.usages[0].server_errors, 1);
    const nginxFormat = '$remote_addr [$time_local] "$request" $status $request_time "$http_authorization"';
    const nginx = `10.0.0.1 [17/May/2026:09:42:11 +0000] "GET /api/v1/iocs?x=1 HTTP/1.1" 200 0.212 "Bearer ${SECRET_B}"\n`;
    const fromNginx = await ks.summarizeLogs(nginx, { ...WINDOW, format: 'nginx', nginxFormat });
    assert.equal(fromNginx.records, 1);
    assert.equal(fromNginx.usages[0].key_id, 'sk_test_Cd34');
    assert.equal(fromNginx.usages[0].top_endpoints[0].path, '/api/v1/iocs');
  });

  test('no full secret key in a summary, an aggregate, a reconciliation or an error', async () => {
    const reader = new ks.LogReader(WINDOW).feed(text);
    const outputs = [JSON.stringify(reference), reader.aggregateJson()];
    const rec = await ks.reconcile({ keys: [], apiUsages: [], logs: text, ...WINDOW });
    outputs.push(JSON.stringify(rec));
    assert.ok(rec.findings.some((f) => f.kind === 'unknown_key' && f.key_prefix === 'sk_live_Ab12'));
    for (const bad of [{ format: SECRET_A }, { fields: { key: SECRET_A, nope: 1 } }, { nginxFormat: SECRET_A, format: 'nginx' }]) {
      const error = await ks.summarizeLogs(text, { ...WINDOW, ...bad }).catch((e) => e);
      assert.ok(error instanceof ks.ValidationError, `${JSON.stringify(Object.keys(bad))}: ${error}`);
      outputs.push(`${error.message} ${JSON.stringify(error)}`);
    }
    for (const out of outputs) {
      for (const secret of [SECRET_A, SECRET_B]) {
        assert.equal(out.includes(secret), false, 'a full secret key reached an output');
        assert.equal(out.includes(secret.slice(0, 16)), false, 'more than the prefix reached an output');
      }
    }
    reader.dispose();
  });
});

describe('errors and cancellation', () => {
  const text = sampleLog(200);

  test('bad options and sources are ValidationErrors (KeyscopeError), never a raw throw', async () => {
    const cases = [
      [text, { format: 'xml' }],
      [text, { format: 3 }],
      [text, { fields: { nope: 'x' } }],
      [text, { fields: { time: 5 } }],
      [text, { fields: 'time=ts' }],
      [text, { latencyUnit: 'hours' }],
      [text, { days: 0 }],
      [text, { days: 91 }],
      [text, { days: 1.5 }],
      [text, { now: 'yesterday' }],
      [text, { format: 'nginx', nginxFormat: '$remote_addr only' }],
      [text, { formatt: 'csv' }],
      [text, { keys: 'all' }],
      [text, { signal: 'stop' }],
      [text, { onProgress: 1 }],
      [text, { chunkBytes: 0 }],
      [42, {}],
      [null, {}],
      [{ not: 'a source' }, {}],
      [text, null],
    ];
    for (const [source, options] of cases) {
      const error = await ks.summarizeLogs(source, options).then(() => null, (e) => e);
      assert.ok(error instanceof ks.ValidationError, `${JSON.stringify(options)}: got ${error}`);
      assert.ok(error instanceof ks.KeyscopeError);
      assert.equal(typeof error.code, 'string');
    }
    const decode = await ks.summarizeLogs(text, { keys: [{ id: 5 }] }).then(() => null, (e) => e);
    assert.ok(decode instanceof ks.DecodeError, String(decode));
    assert.equal(decode.jsonPath, 'keys[0].id');
    assert.match(decode.message, /keys\[0\]\.id/);
    for (const input of [
      { logs: text, tolerance: 'lots' }, { logs: text, minDiff: 0.5 }, { logs: text, tolerance: -1 },
      {}, { logs: text, logSummary: { usages: [] } }, { logSummary: { usages: [{ key_id: 1 }] } },
      { logs: text, apiUsages: 'none' },
    ]) {
      const error = await ks.reconcile(input).then(() => null, (e) => e);
      assert.ok(error instanceof ks.KeyscopeError, `${JSON.stringify(input).slice(0, 80)}: got ${error}`);
      assert.ok(['ValidationError', 'DecodeError'].includes(error.name), error.name);
    }
    const reader = new ks.LogReader();
    assert.throws(() => reader.feed(12), ks.ValidationError);
    assert.throws(() => reader.merge('{"not": "an aggregate"}'), ks.KeyscopeError);
    reader.finish();
    assert.throws(() => reader.feed('more'), ks.ValidationError);
    reader.dispose();
    assert.throws(() => reader.summary(), ks.ValidationError);
  });

  test('an AbortSignal cancels: before the first chunk, mid-read, and the stream is cancelled', async () => {
    const aborted = AbortSignal.abort();
    await assert.rejects(ks.summarizeLogs(text, { signal: aborted }), ks.CancelledError);

    const controller = new AbortController();
    let progress = 0;
    await assert.rejects(ks.summarizeLogs(new Blob([text]), {
      chunkBytes: 512, signal: controller.signal,
      onProgress: () => { if (++progress === 2) controller.abort(); },
    }), (e) => e instanceof ks.CancelledError && e instanceof ks.AbortError && e.code === 'cancelled');
    assert.equal(progress, 2);

    let cancelledWith = null;
    const second = new AbortController();
    const bytes = new TextEncoder().encode(text);
    let at = 0;
    const stream = new ReadableStream({
      pull(c) {
        if (at >= bytes.length) return c.close();
        c.enqueue(bytes.slice(at, at + 300));
        at += 300;
        if (at > 1000) second.abort();
      },
      cancel(reason) { cancelledWith = reason ?? 'cancelled'; },
    });
    await assert.rejects(ks.summarizeLogs(stream, { signal: second.signal, chunkBytes: 100 }), ks.CancelledError);
    assert.ok(cancelledWith, 'the source stream was cancelled');
  });
});

describe('reconciliation against a real sandbox and its emitted egress log', () => {
  let sb;
  let dir;
  let planted;
  let logPath;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyscope-egress-'));
    // Five days: every planted kind, logs_exceed_api included (day 4).
    execFileSync(sandboxPath(), ['--emit-logs', dir, '--now', NOW, '--seed', '42', '--log-days', '5'],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    planted = JSON.parse(readFileSync(join(dir, 'planted.json'), 'utf8'));
    logPath = join(dir, planted.file);
    sb = await startSandbox(['--rate-limit', '0']);
  });

  after(async () => {
    await sb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Per-day kinds on each planted day; the others once, on the first day of the window they were seen.
  const PER_DAY = ['api_exceeds_logs', 'logs_exceed_api'];
  const plantedSet = () => planted.incidents.flatMap((i) => (PER_DAY.includes(i.kind) ? i.days : [i.days.slice().sort()[0]])
    .map((day) => `${i.kind} ${i.key_prefix} ${day}`)).sort();
  const foundSet = (r) => r.findings.map((f) => `${f.kind} ${f.key_prefix} ${f.day}`).sort();

  test('client.reconcile over the file finds exactly planted.json\'s incidents', async () => {
    const kinds = new Set(planted.incidents.map((i) => i.kind));
    assert.deepEqual([...kinds].sort(), ['api_exceeds_logs', 'logs_exceed_api', 'revoked_key_in_use', 'unknown_key']);
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const progress = [];
    const result = await client.reconcile({
      logs: createReadStream(logPath), days: planted.log_days, now: NOW,
      onProgress: (p) => progress.push(p.bytesRead),
    });
    assert.deepEqual(foundSet(result), plantedSet());
    assert.equal(result.window_days, planted.log_days);
    assert.equal(result.tolerance, planted.tolerance.relative);
    assert.equal(result.min_diff, planted.tolerance.min_diff);
    assert.ok(progress.length > 5);
    // The figures behind each finding are planted.json's, day by day.
    for (const incident of planted.incidents) {
      const findings = result.findings.filter((f) => f.kind === incident.kind && f.key_prefix === incident.key_prefix);
      if (PER_DAY.includes(incident.kind)) {
        for (const day of incident.per_day) {
          const finding = findings.find((f) => f.day === day.date);
          assert.equal(finding.api_requests, day.api_requests, `${incident.kind} ${day.date}`);
          assert.equal(finding.log_requests, day.log_requests, `${incident.kind} ${day.date}`);
          assert.equal(finding.log_errors, day.log_errors, `${incident.kind} ${day.date}`);
        }
      } else {
        const sum = incident.per_day.reduce((n, d) => n + d.log_requests, 0);
        assert.equal(findings[0].log_requests, sum, incident.kind);
      }
    }
    assert.equal(result.findings[0].severity, 'critical');
    const leaked = result.keys.find((k) => k.key_prefix === 'sk_live_eOHt');
    assert.ok(leaked.drift < -0.3);
    const text = JSON.stringify(result);
    assert.equal(/sk_(live|test)_[A-Za-z0-9]{13,}/.test(text), false, 'a full key in the reconciliation');
    client.close();
  });

  test('the window\'s end from the API\'s Date header when now is not given; a Blob source', async () => {
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const blob = new Blob([readFileSync(logPath)]);
    const result = await client.reconcile({ logs: blob, days: planted.log_days });
    assert.deepEqual(foundSet(result), plantedSet());
    client.close();
  });

  test('standalone reconcile with a logSummary equals client.reconcile', async () => {
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const fleet = await client.fetchFleet({ days: planted.log_days });
    const logSummary = await ks.summarizeLogs(createReadStream(logPath),
      { keys: fleet.keys, days: planted.log_days, now: NOW });
    assert.equal(logSummary.bad_lines.length, 0, JSON.stringify(logSummary.bad_lines));
    assert.equal(logSummary.full_keys_seen, logSummary.lines);
    const standalone = await ks.reconcile({ keys: fleet.keys, apiUsages: fleet.usages, logSummary, now: NOW });
    assert.deepEqual(foundSet(standalone), plantedSet());
    const viaClient = await client.reconcile({ logs: createReadStream(logPath), days: planted.log_days, now: NOW });
    assert.deepEqual(standalone, viaClient);
    // A tolerance wide enough for the drift leaves the security findings only.
    const lax = await ks.reconcile({ keys: fleet.keys, apiUsages: fleet.usages, logSummary, now: NOW, tolerance: '90%', minDiff: 1000 });
    assert.deepEqual([...new Set(lax.findings.map((f) => f.kind))].sort(), ['revoked_key_in_use', 'unknown_key']);
    client.close();
  });

  test('client.reconcile: bad options are ValidationErrors before any request', async () => {
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const before = (await sb.stats()).requests;
    for (const options of [{}, { logs: 'x', days: 200 }, { logs: 'x', format: 'xml' }, { logs: 'x', nope: 1 }]) {
      const error = await client.reconcile(options).then(() => null, (e) => e);
      assert.ok(error instanceof ks.ValidationError, `${JSON.stringify(options)}: ${error}`);
    }
    assert.equal((await sb.stats()).requests, before);
    client.close();
  });
});
