// npm's prepack guard: `npm pack` / `npm publish` refuse to pack a package without its built
// WebAssembly core (a fresh clone has none until `npm run build:wasm`), and name what is missing.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { files } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const missing = files.filter((file) => !existsSync(join(root, file)));
if (missing.length > 0) {
  console.error(`keyscope: cannot pack, the package's files are not built: ${missing.join(', ')}\n` +
                'keyscope: run `npm run build:wasm` (scripts/build-wasm.sh) first');
  process.exit(1);
}
