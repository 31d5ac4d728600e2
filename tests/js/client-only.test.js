// The client-only entry (keyscope/client, dist/client-only.js): it loads keyscope-core.wasm and
// never the analytics module. Each test imports a fresh copy of the package (a distinct URL is a
// distinct module instance); in the copy without the analytics module's files, the client still
// lists keys and fetches usage, while the main entry from that same copy fails to load (so the
// files really are what the main entry reads, and what the client entry does not).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSandbox, NOW } from './support/sandbox.js';

const dist = new URL('../../bindings/wasm/dist/', import.meta.url);
const ANALYTICS_FILES = ['keyscope-analytics.wasm', 'keyscope-analytics.js'];
const work = mkdtempSync(join(tmpdir(), 'keyscope-client-only-'));
let fresh = 0;
let sb;

function freshCopy({ withoutAnalytics = false } = {}) {
  const copy = join(work, `package-${++fresh}`);
  cpSync(dist, copy, { recursive: true });
  for (const file of withoutAnalytics ? ANALYTICS_FILES : []) rmSync(join(copy, file));
  return {
    client: () => import(pathToFileURL(join(copy, 'client-only.js')).href),
    main: () => import(pathToFileURL(join(copy, 'index.js')).href),
  };
}

before(async () => { sb = await startSandbox(['--rate-limit', '0']); });
after(async () => {
  await sb?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('keyscope/client', () => {
  test('lists keys and fetches usage without the analytics module on disk', async () => {
    const copy = freshCopy({ withoutAnalytics: true });
    const ks = await copy.client();
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const keys = await client.listKeys();
    assert.equal(keys.length, 13);
    const usage = await client.getUsage(keys[0].id, { days: 7 });
    assert.equal(usage.daily.length, 7);
    assert.match(ks.version(), /^\d+\.\d+\.\d+/);
    // Typed errors, as the main entry's.
    const error = await client.getKey('00000000-0000-4000-8000-00000000dead').then(() => null, (e) => e);
    assert.ok(error instanceof ks.NotFoundError, String(error));
    assert.equal(error.name, 'NotFoundError');
    // Only what it needs: the helpers are the main entry's.
    assert.equal(ks.usageByKey, undefined);
    assert.equal(ks.DDSketch, undefined);
    // client.reconcile needs the analytics module: its absence is a typed load error, not a crash.
    const failed = await client.reconcile({ logs: '', days: 7, now: NOW }).then(() => null, (e) => e);
    assert.ok(failed instanceof ks.KeyscopeError, String(failed));
    assert.equal(failed.code, 'wasm_load_failed');
  });

  test('the main entry of the same copy cannot load without the analytics module', async () => {
    const copy = freshCopy({ withoutAnalytics: true });
    await assert.rejects(copy.main(), /keyscope-analytics/);
  });

  test('the main entry loads both modules: init() makes the helpers usable', async () => {
    const ks = await freshCopy().main();
    await ks.init();
    assert.equal(ks.environmentOf('sk_live_abcd'), 'live');
    assert.equal(new ks.DDSketch().count, 0);
  });

  test('client.reconcile through keyscope/client loads the analytics module on first use', async () => {
    const ks = await freshCopy().client();
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const keys = await client.listKeys();
    const line = JSON.stringify({ ts: '2026-05-16T10:00:00Z', key: `${keys[0].key_prefix}${'x'.repeat(28)}`,
      path: '/api/v1/iocs', status: 200, latency_ms: 12 });
    const result = await client.reconcile({ logs: `${line}\n`, days: 7, now: NOW });
    assert.equal(result.window_days, 7);
    assert.ok(Array.isArray(result.findings) && result.findings.length > 0);
  });
});
