// The package's loading options (wasmUrl, wasmBinary) and its default base URL. Each test loads
// a fresh copy of the package (the dist folder copied to a new place: a distinct URL is a
// distinct module instance, for every one of its modules), so init() really instantiates the
// core with the options given.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSandbox } from './support/sandbox.js';

const dist = new URL('../../bindings/wasm/dist/', import.meta.url);
const wasmFile = new URL('keyscope-core.wasm', dist);
const work = mkdtempSync(join(tmpdir(), 'keyscope-loading-'));
let fresh = 0;
const freshModule = () => {
  const copy = join(work, `package-${++fresh}`);
  cpSync(dist, copy, { recursive: true });
  return import(pathToFileURL(join(copy, 'index.js')).href);
};
after(() => rmSync(work, { recursive: true, force: true }));

describe('loading options', () => {
  test('wasmBinary: the bytes given are instantiated (an unreachable wasmUrl is not read)', async () => {
    const ks = await freshModule();
    await ks.init({ wasmBinary: readFileSync(wasmFile), wasmUrl: pathToFileURL(join(work, 'nowhere.wasm')) });
    assert.equal(ks.environmentOf('sk_live_abcd'), 'live');
  });

  test('wasmBinary: bytes that are not a wasm module fail to load with wasm_load_failed', async () => {
    const ks = await freshModule();
    await assert.rejects(ks.init({ wasmBinary: new Uint8Array([0, 1, 2, 3]) }),
      (e) => e instanceof ks.KeyscopeError && e.code === 'wasm_load_failed');
  });

  test('wasmUrl (file:): the core is read from the URL given', async () => {
    const moved = join(work, 'elsewhere.wasm');
    copyFileSync(wasmFile, moved);
    const ks = await freshModule();
    await ks.init({ wasmUrl: pathToFileURL(moved) });
    assert.equal(ks.environmentOf('sk_test_abcd'), 'test');
    const missing = await freshModule();
    await assert.rejects(missing.init({ wasmUrl: pathToFileURL(join(work, 'missing.wasm')) }),
      (e) => e instanceof missing.KeyscopeError && e.code === 'wasm_load_failed');
  });

  test('one module: wasmBinary / wasmUrl place the helpers too (there is no other module to place)', async () => {
    // A copy holding no wasm file at all: the bytes given are all the main entry needs.
    const copy = join(work, `package-${++fresh}`);
    cpSync(dist, copy, { recursive: true });
    for (const file of ['keyscope-core.wasm', 'keyscope-client.wasm']) rmSync(join(copy, file));
    const ks = await import(pathToFileURL(join(copy, 'index.js')).href);
    await ks.init({ wasmBinary: readFileSync(wasmFile) });
    assert.equal(ks.environmentOf('sk_live_abcd'), 'live');
    assert.equal(new ks.DDSketch().count, 0);
    new ks.LogReader({ format: 'jsonl', days: 7 }).dispose();  // throws not_initialized without the module
  });

  // The timeout is about a hang: a failed fetch/instantiation once left init() pending forever.
  test('wasmUrl (http:): the core is fetched from the URL given, through createClient too', { timeout: 30000 }, async () => {
    const served = join(work, 'served');
    mkdirSync(served);
    copyFileSync(wasmFile, join(served, 'good.wasm'));
    writeFileSync(join(served, 'broken.wasm'), 'not a wasm module');
    const sb = await startSandbox(['--static', served]);
    try {
      const ks = await freshModule();
      const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token,
        wasmUrl: `${sb.origin}/good.wasm` });
      assert.equal((await client.listKeys()).length, 13);
      // The URL is really what is loaded: a broken file there fails the load.
      const other = await freshModule();
      await assert.rejects(other.init({ wasmUrl: `${sb.origin}/broken.wasm` }),
        (e) => e instanceof other.KeyscopeError && e.code === 'wasm_load_failed');
      const missing = await freshModule();
      await assert.rejects(missing.init({ wasmUrl: `${sb.origin}/missing.wasm` }),
        (e) => e instanceof missing.KeyscopeError && e.code === 'wasm_load_failed' && /404/.test(e.message));
    } finally {
      await sb.stop();
    }
  });
});

describe('defaults', () => {
  test('the default base URL is https://socdefenders.ai', async () => {
    const ks = await freshModule();
    const seen = [];
    const fetch = async (url) => {
      seen.push(String(url));
      return new Response('{"data":[],"meta":{"total":0}}', { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const client = await ks.createClient({ sessionToken: 'sess-default-url-1', fetch });
    assert.deepEqual(await client.listKeys(), []);
    assert.deepEqual(seen, ['https://socdefenders.ai/api/v1/keys']);
  });
});
