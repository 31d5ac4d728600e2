// What the npm package is made of, shared by the root's prepack guard (check-pack.mjs) and the
// staging packer (pack-npm.mjs): the root package.json's `files`, and the package's own README,
// which the tarball carries as its README.md in place of the repository's.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_README = 'bindings/wasm/README.md';

export function readManifest() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
}

// The `files` entries (and the package README) that do not exist: an unbuilt wasm core.
export function missingFiles(manifest) {
  return [...manifest.files, PACKAGE_README].filter((file) => !existsSync(join(root, file)));
}

export function refuseMissing(missing) {
  console.error(`keyscope: cannot pack, the package's files are not built: ${missing.join(', ')}\n` +
                'keyscope: run `npm run build:wasm` (scripts/build-wasm.sh) first');
  process.exit(1);
}
