#!/usr/bin/env node
// Assembles the dashboard, the built npm package and uPlot into one folder that
// `keyscope-sandbox --static <dir>` serves same-origin with the API:
//   node examples/dashboard/stage.mjs <dir>
import { cpSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = resolve(process.argv[2] ?? resolve(root, 'build/dashboard'));
const dist = resolve(root, 'bindings/wasm/dist');
const uplot = resolve(root, 'node_modules/uplot/dist');
for (const [path, hint] of [[resolve(dist, 'keyscope-core.wasm'), 'npm run build:wasm'], [uplot, 'npm ci']]) {
  if (!existsSync(path)) {
    console.error(`missing ${path}: run ${hint}`);
    process.exit(1);
  }
}
mkdirSync(resolve(out, 'keyscope'), { recursive: true });
mkdirSync(resolve(out, 'vendor'), { recursive: true });
for (const f of ['index.html', 'main.js', 'style.css']) cpSync(resolve(here, f), resolve(out, f));
for (const f of readdirSync(dist)) {  // the package's ES modules, the core and the types
  cpSync(resolve(dist, f), resolve(out, 'keyscope', f));
}
for (const f of ['uPlot.esm.js', 'uPlot.min.css']) cpSync(resolve(uplot, f), resolve(out, 'vendor', f));
console.log(out);
