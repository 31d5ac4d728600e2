#!/usr/bin/env node
// Budgets of the npm package, measured (never asserted): size of the .wasm + JS glue (raw,
// gzip, brotli), instantiate time in Node and in headless Chromium, and getUsage of a 90-day
// payload through the package vs hand-written fetch + JSON.parse of the same bytes, side by side.
//   npm run bench:wasm            (needs KEYSCOPE_SANDBOX, a built dist/, /usr/bin/chromium)
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../tests/js/support/sandbox.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dist = resolve(root, 'bindings/wasm/dist');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const fmt = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

// ---- 1. size -------------------------------------------------------------------------------
console.log('== size (what a page downloads)');
let totals = { raw: 0, gz: 0, br: 0 };
for (const f of ['keyscope-core.wasm', 'keyscope-core.js', 'index.js', 'errors.js']) {
  const bytes = readFileSync(join(dist, f));
  const gz = gzipSync(bytes, { level: 9 }).length;
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  totals = { raw: totals.raw + bytes.length, gz: totals.gz + gz, br: totals.br + br };
  console.log(`  ${f.padEnd(20)} raw ${kb(bytes.length).padStart(9)}   gzip ${kb(gz).padStart(8)}   brotli ${kb(br).padStart(8)}`);
}
console.log(`  ${'total'.padEnd(20)} raw ${kb(totals.raw).padStart(9)}   gzip ${kb(totals.gz).padStart(8)}   brotli ${kb(totals.br).padStart(8)}   (budget: < 200 KB gzip)`);

// ---- 2. instantiate in Node ---------------------------------------------------------------
console.log('\n== instantiate in Node (compile + instantiate + runtime init, fresh each time)');
const { default: KeyscopeCore } = await import(join(dist, 'keyscope-core.js'));
const wasmBytes = readFileSync(join(dist, 'keyscope-core.wasm'));
const inst = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  await KeyscopeCore({ wasmBinary: wasmBytes, print() {}, printErr() {} });
  inst.push(performance.now() - t);
}
const cold = execFileSync(process.execPath, ['--input-type=module', '-e', `
  const t = performance.now();
  const ks = await import(${JSON.stringify(join(dist, 'index.js'))});
  await ks.init();
  console.log(performance.now() - t);`], { encoding: 'utf8' });
console.log(`  in-process median of 10: ${fmt(median(inst))}   first: ${fmt(inst[0])}`);
console.log(`  cold process (import + read file + init): ${fmt(Number(cold))}`);

// ---- 3. getUsage vs fetch + JSON.parse in Node ----------------------------------------------
const ks = await import(join(dist, 'index.js'));
const staged = mkdtempSync(join(tmpdir(), 'keyscope-bench-'));
execFileSync(process.execPath, [resolve(root, 'examples/dashboard/stage.mjs'), staged]);
writeFileSync(join(staged, 'bench.html'), '<!doctype html><meta charset="utf-8"><title>bench</title>');
const sb = await startSandbox(['--rate-limit', '0', '--static', staged]);
try {
  const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
  const keyId = (await client.listKeys())[0].id;
  const url = `${sb.url}/api/v1/keys/${keyId}/usage?days=90`;
  const headers = { cookie: `sb-access-token=${sb.token}`, accept: 'application/json' };
  const text = await (await fetch(url, { headers })).text();
  console.log(`\n== getUsage(days: 90) in Node: ${text.length} bytes per payload, ${ROUNDS} rounds, interleaved`);
  const viaFetch = [];
  const viaKs = [];
  for (let i = 0; i < 30; i++) { await client.getUsage(keyId, { days: 90 }); JSON.parse(await (await fetch(url, { headers })).text()); }
  for (let i = 0; i < ROUNDS; i++) {
    let t = performance.now();
    const a = (await (await fetch(url, { headers })).json()).data;
    viaFetch.push(performance.now() - t);
    t = performance.now();
    const b = await client.getUsage(keyId, { days: 90 });
    viaKs.push(performance.now() - t);
    if (i === 0 && a.daily.length !== b.daily.length) throw new Error('results differ');
  }
  const mf = median(viaFetch);
  const mk = median(viaKs);
  console.log(`  fetch + JSON.parse        median ${fmt(mf)}`);
  console.log(`  keyscope getUsage         median ${fmt(mk)}   ratio ${(mk / mf).toFixed(2)}x`);

  const N = 2000;
  let t = performance.now();
  for (let i = 0; i < N; i++) JSON.parse(text);
  const parse = (performance.now() - t) / N;
  t = performance.now();
  for (let i = 0; i < N; i++) ks.__internal.decode('usage', text);
  const decode = (performance.now() - t) / N;
  console.log(`  decode only: JSON.parse ${fmt(parse)}   keyscope (copy in, validate, encode, JSON.parse) ${fmt(decode)}   ratio ${(decode / parse).toFixed(1)}x`);

  const fleetT = performance.now();
  await client.fetchFleet({ days: 90, concurrency: 8 });
  console.log(`  fetchFleet(13 keys, 90 days, concurrency 8): ${fmt(performance.now() - fleetT)}`);

  // ---- 4. Chromium: instantiate and the same comparison in a page -------------------------------
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    console.log('\n(playwright-core not installed: Chromium figures skipped)');
  }
  if (chromium) {
    const browser = await chromium.launch({ executablePath: process.env.KEYSCOPE_CHROMIUM ?? '/usr/bin/chromium',
      headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'] });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${sb.origin}/__sandbox/login?token=${sb.token}&next=/bench.html`);
      const times = [];
      for (let i = 0; i < 5; i++) {
        await page.reload();
        times.push(await page.evaluate(async () => {
          const t = performance.now();
          const m = await import(`/keyscope/index.js?fresh=${Math.random()}`);
          await m.init();
          return performance.now() - t;
        }));
      }
      console.log(`\n== Chromium ${browser.version()}`);
      console.log(`  instantiate (import + fetch + instantiateStreaming + init, no cache): median ${fmt(median(times))}`);
      const r = await page.evaluate(async ({ keyId, rounds }) => {
        const ks = await import('/keyscope/index.js');
        const client = await ks.createClient({ baseUrl: location.origin });
        const url = `/api/v1/keys/${keyId}/usage?days=90`;
        const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
        const a = []; const b = [];
        for (let i = 0; i < 20; i++) { await client.getUsage(keyId, { days: 90 }); await (await fetch(url, { credentials: 'include' })).json(); }
        for (let i = 0; i < rounds; i++) {
          let t = performance.now();
          await (await fetch(url, { credentials: 'include', headers: { accept: 'application/json' } })).json();
          a.push(performance.now() - t);
          t = performance.now();
          await client.getUsage(keyId, { days: 90 });
          b.push(performance.now() - t);
        }
        const text = await (await fetch(url, { credentials: 'include' })).text();
        let t = performance.now();
        for (let i = 0; i < 1000; i++) JSON.parse(text);
        const parse = (performance.now() - t) / 1000;
        t = performance.now();
        for (let i = 0; i < 1000; i++) ks.__internal.decode('usage', text);
        const decode = (performance.now() - t) / 1000;
        return { fetch: med(a), ks: med(b), parse, decode };
      }, { keyId, rounds: Math.min(ROUNDS, 200) });
      console.log(`  getUsage(90 d): fetch + JSON.parse median ${fmt(r.fetch)}   keyscope median ${fmt(r.ks)}   ratio ${(r.ks / r.fetch).toFixed(2)}x`);
      console.log(`  decode only: JSON.parse ${fmt(r.parse)}   keyscope ${fmt(r.decode)}   ratio ${(r.decode / r.parse).toFixed(1)}x`);
      await context.close();
    } finally {
      await browser.close();
    }
  }
} finally {
  await sb.stop();
  rmSync(staged, { recursive: true, force: true });
}
