#!/usr/bin/env node
// Loading time of the package's entries, side by side in one run, alternating (measured, never
// asserted): the main entry (keyscope-core.wasm, client and helpers in one module) and the
// client-only entry (keyscope-client.wasm), optionally against another build's dist (e.g. before
// a change).
//   node bench/wasm/instantiate.mjs [other dist dir]     (needs KEYSCOPE_SANDBOX, /usr/bin/chromium)
// Node: a cold process per load (import + read files + init). Chromium: a fresh page per load
// (import + fetch + instantiateStreaming + init), the files served by keyscope-sandbox --static.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../tests/js/support/sandbox.js';
import { median } from './contest.js';
import { launchChromium } from '../../tests/browser/support/browser.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const other = process.argv[2] ? resolve(process.argv[2]) : null;

// name -> [dist dir, entry file]
const variants = [['main entry (keyscope)', resolve(root, 'bindings/wasm/dist'), 'index.js'],
  ['client-only entry (keyscope/client)', resolve(root, 'bindings/wasm/dist'), 'client-only.js']];
if (other) variants.push([`other build's main entry (${other})`, other, 'index.js']);
for (const [, dir, entry] of variants) {
  if (!existsSync(join(dir, entry))) throw new Error(`${join(dir, entry)} is missing: npm run build:wasm`);
}

// Every variant loads from a copy in one temp dir, with the package.json an installed package has
// ("type": "module"): without one, Node first tries each file as CommonJS (the other build, outside
// the repo, would pay that and this one not).
const staged = mkdtempSync(join(tmpdir(), 'keyscope-instantiate-'));
variants.forEach(([, dir], i) => {
  cpSync(dir, join(staged, `v${i}`), { recursive: true });
  writeFileSync(join(staged, `v${i}`, 'package.json'), '{"type": "module"}\n');
});

const node = variants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  variants.forEach(([, , entry], i) => {
    node[i].push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', `
      const t = performance.now();
      const ks = await import(${JSON.stringify(join(staged, `v${i}`, entry))});
      await ks.init();
      console.log(performance.now() - t);`], { encoding: 'utf8' })));
  });
}
console.log(`== Node ${process.version}: cold process, import + init (median of ${ROUNDS}, alternating)`);
variants.forEach(([name], i) => console.log(`  ${name.padEnd(40)} ${fmt(median(node[i]))}`));

writeFileSync(join(staged, 'blank.html'), '<!doctype html><meta charset="utf-8"><title>instantiate</title>');
const sb = await startSandbox(['--static', staged]);
try {
  const browser = await launchChromium();
  try {
    const times = variants.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, [, , entry]] of variants.entries()) {
        const context = await browser.newContext();  // a fresh HTTP cache and module map per load
        const page = await context.newPage();
        await page.goto(`${sb.origin}/blank.html`);
        times[i].push(await page.evaluate(async (url) => {
          const t = performance.now();
          const ks = await import(url);
          await ks.init();
          return performance.now() - t;
        }, `/v${i}/${entry}`));
        await context.close();
      }
    }
    console.log(`\n== Chromium ${browser.version()}: fresh context, import + fetch + init (median of ${ROUNDS}, alternating)`);
    variants.forEach(([name], i) => console.log(`  ${name.padEnd(40)} ${fmt(median(times[i]))}`));
  } finally {
    await browser.close();
  }
} finally {
  await sb.stop();
  rmSync(staged, { recursive: true, force: true });
}
