// `npm run package` -> install the tarball into a scratch project in a temp dir with the README's
// own command -> import it in Node and talk to the sandbox: what a user gets from the registry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, rmSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from './support/sandbox.js';
import { npm, packPackage } from './support/pack.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let scratch;
let sb;
let packed;  // npm pack's --json entry, plus .tarball

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'keyscope-pack-'));
  sb = await startSandbox();
});
after(async () => {
  await sb?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// The command lines of the first ```sh block after `heading` in a README.
function shellBlock(readme, heading) {
  const text = readFileSync(join(root, readme), 'utf8');
  const from = text.indexOf(heading);
  assert.ok(from >= 0, `${readme} has no "${heading}"`);
  const block = text.slice(from).match(/```sh\n([\s\S]*?)```/);
  assert.ok(block, `${readme}: no sh block after "${heading}"`);
  return block[1].split('\n').map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#'));
}

function readmeLine(readme, heading, pattern) {
  const lines = shellBlock(readme, heading).filter((line) => pattern.test(line));
  assert.equal(lines.length, 1, `${readme} "${heading}": one line matching ${pattern}, got ${lines}`);
  return lines[0];
}

function untar(tarball, member) {
  return execFileSync('tar', ['-xzOf', tarball, `package/${member}`]);
}

test('npm run package ships only the built package, with the package README as its README', () => {
  // The README's pack command is the one run here (with options where the tarball goes).
  assert.match(readmeLine('README.md', '## Install', /npm run build:wasm/), /&& npm run package$/);
  const readmeBefore = readFileSync(join(root, 'README.md'));
  packed = packPackage(root, scratch);
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'LICENSE',
    'README.md',
    ...manifest.files.filter((f) => f !== 'LICENSE'),
    'package.json',
  ].sort());
  // Every built file (the ES modules, the core, the types): a module missing from package.json's
  // "files" would break every import of the package.
  for (const built of readdirSync(join(root, 'bindings/wasm/dist'))) {
    assert.ok(files.includes(`bindings/wasm/dist/${built}`), `bindings/wasm/dist/${built} is not packed`);
  }
  assert.equal(packed.name, 'keyscope');
  // The registry shows the tarball's README.md: the npm package's, not the repository's.
  assert.deepEqual(untar(packed.tarball, 'README.md'), readFileSync(join(root, 'bindings/wasm/README.md')));
  // Packing staged a copy: the repository's README is as it was.
  assert.deepEqual(readFileSync(join(root, 'README.md')), readmeBefore);
});

test('the packed package.json is complete and points at files the tarball has', () => {
  const published = JSON.parse(untar(packed.tarball, 'package.json').toString('utf8'));
  for (const field of ['name', 'version', 'description', 'license', 'homepage', 'author', 'types', 'main']) {
    assert.ok(typeof published[field] === 'string' && published[field].length > 0, `package.json ${field}`);
  }
  assert.equal(published.version, manifest.version);
  assert.equal(published.license, 'MIT');
  assert.ok(Array.isArray(published.keywords) && published.keywords.length >= 3, 'keywords');
  assert.match(published.engines?.node ?? '', /^>=\d+/);
  assert.equal(published.type, 'module');
  // The repository's scripts (prepack guard, builds, tests) and dev tools are not the package's.
  assert.equal(published.scripts, undefined);
  assert.equal(published.devDependencies, undefined);
  const shipped = new Set(packed.files.map((f) => f.path));
  const targets = [published.main, published.types, published.exports['.'].types,
    published.exports['.'].import, published.exports['.'].default, published.exports['./keyscope-core.wasm']];
  for (const target of targets) {
    assert.ok(shipped.has(target.replace(/^\.\//, '')), `${target} is not in the tarball`);
  }
});

test('npm pack at the repository root refuses: its tarball would carry the repository README', () => {
  const readmeBefore = readFileSync(join(root, 'README.md'));
  let failure;
  try {
    execFileSync(npm, ['pack', '--dry-run'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    failure = error;
  }
  assert.ok(failure, 'npm pack at the root succeeded');
  assert.match(failure.stderr, /keyscope: pack the npm package with `npm run package`/);
  assert.deepEqual(readFileSync(join(root, 'README.md')), readmeBefore);
});

test('packing refuses a package whose wasm core is not built, and says what to run', () => {
  // A fresh clone: package.json, the pack scripts and the READMEs, no bindings/wasm/dist.
  const clone = join(scratch, 'fresh-clone');
  mkdirSync(join(clone, 'scripts'), { recursive: true });
  mkdirSync(join(clone, 'bindings', 'wasm'), { recursive: true });
  for (const file of ['package.json', 'README.md', 'LICENSE', 'bindings/wasm/README.md',
    'scripts/check-pack.mjs', 'scripts/pack-npm.mjs', 'scripts/npm-package.mjs']) {
    copyFileSync(join(root, file), join(clone, file));
  }
  for (const args of [['pack', '--dry-run'], ['run', 'package', '--', '--dry-run']]) {
    let failure;
    try {
      execFileSync(npm, args, { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      failure = error;
    }
    assert.ok(failure, `npm ${args.join(' ')} succeeded without the built wasm`);
    assert.match(failure.stderr, /keyscope: cannot pack, the package's files are not built: .*keyscope-core\.wasm/);
    assert.match(failure.stderr, /npm run build:wasm/);
  }
});

test("the README's npm install command puts the tarball into a project, and it works from Node", () => {
  // The layout the README assumes: the keyscope checkout (holding the tarball) next to your app;
  // the command runs verbatim from the checkout. No network: the package has no dependencies.
  const checkout = join(scratch, 'keyscope');
  const app = join(scratch, 'your-app');
  mkdirSync(checkout);
  mkdirSync(app);
  copyFileSync(packed.tarball, join(checkout, packed.filename));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
  const install = readmeLine('README.md', '## Install', /npm install /);
  assert.equal(install, '(cd ../your-app && npm install ../keyscope/keyscope-*.tgz)');
  execFileSync('bash', ['-c', install], {
    cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  // The npm package's own README (the registry page) gives the same commands.
  for (const pattern of [/npm install /, /npm run package/]) {
    assert.equal(readmeLine('bindings/wasm/README.md', '## Install', pattern),
      readmeLine('README.md', '## Install', pattern));
  }
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
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/keyscope/package.json'), 'utf8'));
  assert.ok(existsSync(join(app, 'node_modules/keyscope', installed.exports['.'].types)));
  assert.deepEqual(readFileSync(join(app, 'node_modules/keyscope/README.md')),
    readFileSync(join(root, 'bindings/wasm/README.md')));
  const out = execFileSync(process.execPath, ['main.js', sb.url, sb.token], { cwd: app, encoding: 'utf8' });
  const result = JSON.parse(out.trim().split('\n').pop());
  // One version: the tarball's package.json and the wasm core's kVersion (CMake reads package.json).
  assert.equal(result.version, manifest.version);
  assert.equal(result.core, manifest.version);
  assert.equal(result.keys, 13);
  assert.ok(result.findings >= 7);
  assert.equal(result.auth, 'AuthenticationError');
});
