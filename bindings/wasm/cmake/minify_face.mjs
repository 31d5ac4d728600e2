// Minifies the npm package's JS face into dist, one file per source module (the module graph,
// and so what each entry loads, stays as written), each with its source map next to it:
//   node minify_face.mjs <dist dir> <src/*.js ...>
// esbuild comes from the root package.json's devDependencies (npm ci).
import { buildSync } from 'esbuild';

const [outdir, ...entryPoints] = process.argv.slice(2);
if (!outdir || entryPoints.length === 0) {
  console.error('usage: node minify_face.mjs <dist dir> <src/*.js ...>');
  process.exit(2);
}
buildSync({
  entryPoints,
  outdir,
  bundle: false,
  format: 'esm',
  minify: true,
  keepNames: true,  // class and function names are API: error.name, stack traces
  sourcemap: 'linked',
  sourcesContent: true,
  logLevel: 'warning',
});
