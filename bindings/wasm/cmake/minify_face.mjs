// Minifies the npm package's JS into dist:
//   node minify_face.mjs <dist dir> --glue <wrapped glue .js ...> --face <src/*.js ...>
// The face: one file per source module (the module graph, and so what each entry loads, stays as
// written), each with its source map next to it, whitespace and syntax minified. Local names
// are shortened too, except in a module that declares a class: there the names stay as written
// (a class's `name`, stack traces) with no keepNames helper calls, which cost ~4 ms of a cold
// Node import (bindings/wasm/README.md). Exported names never change. The
// Emscripten glue (cmake/wrap_esm.cmake's output): minified further (emcc leaves its names), no
// map (it is generated code). esbuild comes from the root package.json's devDependencies (npm ci).
import { readFileSync } from 'node:fs';
import { buildSync } from 'esbuild';

const [outdir, ...rest] = process.argv.slice(2);
const glueAt = rest.indexOf('--glue');
const faceAt = rest.indexOf('--face');
if (!outdir || glueAt !== 0 || faceAt < 0) {
  console.error('usage: node minify_face.mjs <dist dir> --glue <glue .js ...> --face <src/*.js ...>');
  process.exit(2);
}
const glue = rest.slice(glueAt + 1, faceAt);
const face = rest.slice(faceAt + 1);
const common = { outdir, bundle: false, format: 'esm', minify: true, logLevel: 'warning' };
const declaresClass = (file) => /^(export )?class /m.test(readFileSync(file, 'utf8'));
const faceOptions = { ...common, minify: false, minifyWhitespace: true, minifySyntax: true,
  sourcemap: 'linked', sourcesContent: true };
buildSync({ ...faceOptions, entryPoints: face.filter(declaresClass) });
buildSync({ ...faceOptions, entryPoints: face.filter((file) => !declaresClass(file)), minifyIdentifiers: true });
// The glue's UMD tail (`typeof module === 'object' && module.exports = ...`) is dead in an ES module.
buildSync({ ...common, entryPoints: glue, logOverride: { 'commonjs-variable-in-esm': 'silent' } });
