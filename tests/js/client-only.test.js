// The two entries and their modules: keyscope/client (dist/client-only.js) loads
// keyscope-client.wasm, and keyscope-core.wasm only for client.reconcile(); the main entry loads
// keyscope-core.wasm alone. Each test imports a fresh copy of the package (a distinct URL is a
// distinct module instance) with one module's files removed: what still works from that copy, and
// what fails, shows which files each entry really reads.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSandbox, NOW } from './support/sandbox.js';

const dist = new URL('../../bindings/wasm/dist/', import.meta.url);
const FULL_MODULE = ['keyscope-core.wasm', 'keyscope-core.js'];
const CLIENT_MODULE = ['keyscope-client.wasm', 'keyscope-client.js'];
const work = mkdtempSync(join(tmpdir(), 'keyscope-client-only-'));
let fresh = 0;
let sb;

function freshCopy({ without = [] } = {}) {
  const copy = join(work, `package-${++fresh}`);
  cpSync(dist, copy, { recursive: true });
  for (const file of without) rmSync(join(copy, file));
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
  test('lists keys and fetches usage without keyscope-core.wasm on disk', async () => {
    const copy = freshCopy({ without: FULL_MODULE });
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
    // client.reconcile needs keyscope-core.wasm: its absence is a typed load error, not a crash.
    const failed = await client.reconcile({ logs: '', days: 7, now: NOW }).then(() => null, (e) => e);
    assert.ok(failed instanceof ks.KeyscopeError, String(failed));
    assert.equal(failed.code, 'wasm_load_failed');
  });

  test('the main entry of the same copy cannot load without keyscope-core.wasm', async () => {
    const copy = freshCopy({ without: FULL_MODULE });
    await assert.rejects(copy.main(), /keyscope-core/);
  });

  test('the main entry loads keyscope-core.wasm alone: client and helpers, without keyscope-client.wasm', async () => {
    const copy = freshCopy({ without: CLIENT_MODULE });
    const ks = await copy.main();
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const fleet = await client.fetchFleet({ days: 7 });
    assert.equal(fleet.keys.length, 13);
    assert.ok(ks.usageByKey(fleet).length > 0);
    assert.equal(new ks.DDSketch().count, 0);
    // The client-only entry of that copy is what needs keyscope-client.wasm.
    await assert.rejects(copy.client(), /keyscope-client/);
  });

  test('client.reconcile through keyscope/client loads keyscope-core.wasm on first use', async () => {
    const ks = await freshCopy().client();
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const keys = await client.listKeys();
    const line = JSON.stringify({ ts: '2026-05-16T10:00:00Z', key: `${keys[0].key_prefix}${'x'.repeat(28)}`,
      path: '/api/v1/iocs', status: 200, latency_ms: 12 });
    const result = await client.reconcile({ logs: `${line}\n`, days: 7, now: NOW });
    assert.equal(result.window_days, 7);
    assert.ok(Array.isArray(result.findings) && result.findings.length > 0);
  });

  test('reconcileWasmUrl / reconcileWasmBinary: where client.reconcile finds keyscope-core.wasm', async () => {
    const moved = join(work, 'full-elsewhere.wasm');
    cpSync(new URL('keyscope-core.wasm', dist), moved);
    const line = (keys) => `${JSON.stringify({ ts: '2026-05-16T10:00:00Z', key: `${keys[0].key_prefix}${'x'.repeat(28)}`,
      path: '/api/v1/iocs', status: 200, latency_ms: 12 })}\n`;
    for (const [where, options] of [['url', { reconcileWasmUrl: pathToFileURL(moved) }],
      ['bytes', { reconcileWasmBinary: readFileSync(moved) }]]) {
      const copy = freshCopy({ without: ['keyscope-core.wasm'] });
      const ks = await copy.client();
      const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token, ...options });
      const result = await client.reconcile({ logs: line(await client.listKeys()), days: 7, now: NOW });
      assert.equal(result.window_days, 7, where);
    }
    // A missing file there: a typed load error naming the module.
    const ks = await freshCopy().client();
    await ks.init({ reconcileWasmUrl: pathToFileURL(join(work, 'missing.wasm')) });
    const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
    const failed = await client.reconcile({ logs: '', days: 7, now: NOW }).then(() => null, (e) => e);
    assert.ok(failed instanceof ks.KeyscopeError && failed.code === 'wasm_load_failed', String(failed));
    assert.match(failed.message, /keyscope-core\.wasm/);
  });
});
