// npm's prepack guard at the repository root. `npm pack` / `npm publish` here would ship the
// repository's README.md as the package's (npm always packs the README at the root of what it
// packs), so they refuse and point to `npm run package` (scripts/pack-npm.mjs), which packs a
// staged copy carrying bindings/wasm/README.md. A fresh clone without the built WebAssembly core
// is told first what to build.
import { missingFiles, readManifest, refuseMissing } from './npm-package.mjs';

const missing = missingFiles(readManifest());
if (missing.length > 0) refuseMissing(missing);
console.error('keyscope: pack the npm package with `npm run package` (or `npm run package -- ' +
              '--pack-destination DIR`), not `npm pack` at the repository root: the tarball must ' +
              'carry bindings/wasm/README.md as its README; publish the tarball it writes ' +
              '(`npm publish keyscope-<version>.tgz`)');
process.exit(1);
