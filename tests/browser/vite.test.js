// The npm package through a bundler: `npm run package` -> a scratch Vite project in a temp dir that
// installs the tarball (offline: the package has no runtime dependencies) -> `vite build` (Vite
// from the repo's devDependencies) -> the built dist served same-origin by keyscope-sandbox
// --static -> headless Chromium signs in and the page lists the sandbox's keys.
// Vite must emit the package's two wasm modules as assets (full_module.js and client-only.js load
// them via new URL(..., import.meta.url)). The main page downloads one of them, keyscope-core.wasm;
// a second page imports the client-only entry (keyscope/client): it downloads
// keyscope-client.wasm and nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, assertSignedOutPageShowsAuthenticationError } from './support/browser.js';
import { startSandbox } from '../js/support/sandbox.js';
import { npm, packPackage } from '../js/support/pack.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const packageVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const vite = resolve(root, 'node_modules/vite/bin/vite.js');

const INDEX_HTML = `<!doctype html><meta charset="utf-8"><title>keyscope via vite</title>
<body><p id="count"></p><p id="error"></p>
<script type="module" src="./main.js"></script></body>`;

// One page script per entry: list the keys with the entry's createClient, say how it went.
const pageScript = (entry) => `import * as keyscope from '${entry}';
keyscope.createClient({ baseUrl: location.origin })
  .then((client) => client.listKeys())
  .then((keys) => {
    document.getElementById('count').textContent = String(keys.length);
    document.body.dataset.version = keyscope.version();
    document.body.dataset.ready = 'true';
  }, (error) => {
    const el = document.getElementById('error');
    el.textContent = String(error && error.message);
    el.dataset.type = error instanceof keyscope.KeyscopeError ? error.name : 'other';
    document.body.dataset.ready = 'error';
  });
`;
const MAIN_JS = pageScript('keyscope');

const CLIENT_HTML = `<!doctype html><meta charset="utf-8"><title>keyscope/client via vite</title>
<body><p id="count"></p><p id="error"></p>
<script type="module" src="./client.js"></script></body>`;

const CLIENT_JS = pageScript('keyscope/client');

// No imports: the scratch project does not depend on vite itself. Two pages: the main entry's
// and the client-only entry's.
const VITE_CONFIG = `export default { logLevel: 'warn', build: { outDir: 'dist', emptyOutDir: true,
  rollupOptions: { input: { main: 'index.html', client: 'client.html' } } } };\n`;

// .../keyscope-core-<hash>.wasm (a URL or a path) -> keyscope-core. Vite's hash has 8 characters,
// '-' and '_' among them.
const wasmName = (url) => String(url).split('/').pop().replace(/-[\w-]{8}\.wasm$/, '');

let scratch;
let app;
let sb;
let browser;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'keyscope-vite-'));
  const { tarball } = packPackage(root, scratch);

  app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-vite-app', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--offline', tarball],
    { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(join(app, 'index.html'), INDEX_HTML);
  writeFileSync(join(app, 'main.js'), MAIN_JS);
  writeFileSync(join(app, 'client.html'), CLIENT_HTML);
  writeFileSync(join(app, 'client.js'), CLIENT_JS);
  writeFileSync(join(app, 'vite.config.mjs'), VITE_CONFIG);
  execFileSync(process.execPath, [vite, 'build', '--config', join(app, 'vite.config.mjs')],
    { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });

  sb = await startSandbox(['--static', join(app, 'dist'), '--rate-limit', '0']);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await sb?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('vite build emits the two wasm modules (one per entry) as assets next to the bundle', () => {
  const assets = readdirSync(join(app, 'dist', 'assets'));
  const wasm = assets.filter((f) => f.endsWith('.wasm')).sort();
  const js = assets.filter((f) => f.endsWith('.js'));
  assert.equal(wasm.length, 2, `assets: ${assets.join(', ')}`);
  assert.match(wasm[0], /^keyscope-client-.*\.wasm$/);
  assert.match(wasm[1], /^keyscope-core-.*\.wasm$/);
  // The bundle refers to the emitted (hashed) assets, not to node_modules.
  const bundle = js.map((f) => readFileSync(join(app, 'dist', 'assets', f), 'utf8')).join('\n');
  for (const file of wasm) assert.ok(bundle.includes(file), `bundle references the emitted ${file}`);
  assert.ok(!bundle.includes('node_modules'), 'bundle does not point into node_modules');
});

test('the bundled page signs in through the session cookie and lists the 13 sandbox keys', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const wasmResponses = [];
  page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasmResponses.push(`${wasmName(r.url())} ${r.status()}`); });
  await page.goto(`${sb.origin}/__sandbox/login?token=${encodeURIComponent(sb.token)}&next=/`);
  await page.waitForSelector('body[data-ready]', { timeout: 20000 });
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true',
    `page failed: ${await page.textContent('#error')}`);
  assert.equal(await page.textContent('#count'), '13');
  assert.equal(await page.getAttribute('body', 'data-version'), packageVersion);
  assert.deepEqual(wasmResponses, ['keyscope-core 200']);  // one module, one fetch
  assert.deepEqual(errors, []);
  await context.close();
});

test('the client-only page lists the keys and fetches only keyscope-client.wasm', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`${sb.origin}/__sandbox/login?token=${encodeURIComponent(sb.token)}&next=/client.html`);
  await page.waitForSelector('body[data-ready]', { timeout: 20000 });
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true',
    `page failed: ${await page.textContent('#error')}`);
  assert.equal(await page.textContent('#count'), '13');
  assert.equal(await page.getAttribute('body', 'data-version'), packageVersion);
  assert.deepEqual(requested.filter((p) => p.endsWith('.wasm')).map(wasmName), ['keyscope-client']);
  assert.ok(requested.some((p) => p === '/api/v1/keys'), `requests: ${requested.join(', ')}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the bundled page without a session shows an AuthenticationError', async () => {
  await assertSignedOutPageShowsAuthenticationError(browser, sb.origin);
});
