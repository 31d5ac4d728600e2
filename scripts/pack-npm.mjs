// `npm run package [-- <npm pack options>]`: packs the npm package from a staged copy whose
// README.md is bindings/wasm/README.md, so the registry page shows the package's README, not the
// repository's. npm always ships the README at the root of the directory it packs, and the
// repository root (where package.json lives) has its own; staging leaves the working tree
// untouched, so a failed or interrupted pack cannot leave a README swapped, and every run stages
// into its own temporary directory, so parallel packs (the Node and browser tests) do not meet.
// The stage holds the `files` entries at the same paths (the exports map is unchanged), the
// package README, and package.json without the repository's scripts and devDependencies.
// Options go to `npm pack` (--pack-destination DIR, --json, --dry-run); its output is npm's own.
// The tarball lands where `npm run package` was started (INIT_CWD), as `npm pack`'s would.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PACKAGE_README, missingFiles, readManifest, refuseMissing, root } from './npm-package.mjs';

const manifest = readManifest();
const missing = missingFiles(manifest);
if (missing.length > 0) refuseMissing(missing);

const stage = mkdtempSync(join(tmpdir(), 'keyscope-npm-'));
let status = 1;
try {
  const files = manifest.files.filter((file) => file !== PACKAGE_README && file !== 'README.md');
  for (const file of files) {
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    copyFileSync(join(root, file), join(stage, file));
  }
  copyFileSync(join(root, PACKAGE_README), join(stage, 'README.md'));
  const { scripts, devDependencies, ...published } = manifest;
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ ...published, files }, null, 2)}\n`);

  const npm = process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath]]
    : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
  const run = spawnSync(npm[0], [...npm[1], 'pack', stage, ...process.argv.slice(2)],
    { cwd: process.env.INIT_CWD || process.cwd(), stdio: 'inherit' });
  if (run.error) console.error(`keyscope: could not run npm pack: ${run.error.message}`);
  status = run.status ?? 1;
} finally {
  rmSync(stage, { recursive: true, force: true });
}
process.exit(status);
