// `npm pack` -> install the tarball into a scratch project in a temp dir -> import it in Node and
// talk to the sandbox: what a user gets from the registry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, rmSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from './support/sandbox.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let scratch;
let sb;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'keyscope-pack-'));
  sb = await startSandbox();
});
after(async () => {
  await sb?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('npm pack ships only the built package', () => {
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', scratch],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(out);
  const files = info.files.map((f) => f.path).sort();
  // Every built file (the ES modules, the core, the types): a module missing from package.json's
  // "files" would break every import of the package.
  const built = readdirSync(join(root, 'bindings/wasm/dist')).map((f) => `bindings/wasm/dist/${f}`);
  assert.deepEqual(files, [
    'LICENSE',
    'README.md',
    'bindings/wasm/README.md',
    ...built,
    'package.json',
  ].filter((f) => f !== 'README.md' || existsSync(join(root, 'README.md'))).sort());
  assert.equal(info.name, 'keyscope');
  writeFileSync(join(scratch, 'tarball.txt'), join(scratch, info.filename));
});

test('npm pack refuses a package whose wasm core is not built, and says what to run', () => {
  // A fresh clone: package.json and its prepack guard, no bindings/wasm/dist.
  const clone = join(scratch, 'fresh-clone');
  mkdirSync(join(clone, 'scripts'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(clone, 'package.json'));
  copyFileSync(join(root, 'scripts', 'check-pack.mjs'), join(clone, 'scripts', 'check-pack.mjs'));
  let failure;
  try {
    execFileSync(npm, ['pack', '--dry-run'], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    failure = error;
  }
  assert.ok(failure, 'npm pack succeeded without the built wasm');
  assert.match(failure.stderr, /keyscope: cannot pack, the package's files are not built: .*keyscope-core\.wasm/);
  assert.match(failure.stderr, /npm run build:wasm/);
});

test('the tarball installs into a scratch project and works from Node', () => {
  const tarball = readFileSync(join(scratch, 'tarball.txt'), 'utf8');
  const app = join(scratch, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--offline', tarball],
    { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(join(app, 'main.js'), `
    import { createClient, detectAnomalies, AuthenticationError, version } from 'keyscope';
    import pkg from 'keyscope/package.json' with { type: 'json' };
    const client = await createClient({ baseUrl: process.argv[2], sessionToken: process.argv[3] });
    const fleet = await client.fetchFleet({ days: 90 });
    const findings = detectAnomalies({ ...fleet, now: '2026-05-17T12:00:00Z' });
    let auth = '';
    try { await (await createClient({ baseUrl: process.argv[2] })).listKeys(); }
    catch (e) { auth = e instanceof AuthenticationError ? e.name : 'wrong ' + e; }
    console.log(JSON.stringify({ version: pkg.version, core: version(), keys: fleet.keys.length, findings: findings.length, auth }));
  `);
  // The types entry resolves through "exports" as TypeScript would see it.
  const manifest = JSON.parse(readFileSync(join(app, 'node_modules/keyscope/package.json'), 'utf8'));
  assert.ok(existsSync(join(app, 'node_modules/keyscope', manifest.exports['.'].types)));
  const out = execFileSync(process.execPath, ['main.js', sb.url, sb.token], { cwd: app, encoding: 'utf8' });
  const result = JSON.parse(out.trim().split('\n').pop());
  // One version: the tarball's package.json and the wasm core's kVersion (CMake reads package.json).
  const expected = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  assert.equal(result.version, expected);
  assert.equal(result.core, expected);
  assert.equal(result.keys, 13);
  assert.ok(result.findings >= 7);
  assert.equal(result.auth, 'AuthenticationError');
});
