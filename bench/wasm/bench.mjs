#!/usr/bin/env node
// Budgets of the npm package, measured (never asserted): size of the .wasm + JS glue (raw,
// gzip, brotli), instantiate time in Node and in headless Chromium, and -- side by side, in one
// run, against hand-written fetch + JSON.parse (hand_written.js) -- one getUsage call, a
// dashboard's load (key list + every usage), and the decode alone.
//   npm run bench:wasm            (needs KEYSCOPE_SANDBOX, a built dist/, /usr/bin/chromium)
import { copyFileSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
for (const f of ['keyscope-core.wasm', 'keyscope-core.js', 'index.js', 'errors.js', 'results.js']) {
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

// ---- 3. getUsage and a dashboard's load vs hand-written fetch + JSON.parse, in Node ------------
const ks = await import(join(dist, 'index.js'));
const hand = await import(resolve(root, 'bench/wasm/hand_written.js'));
const staged = mkdtempSync(join(tmpdir(), 'keyscope-bench-'));
execFileSync(process.execPath, [resolve(root, 'examples/dashboard/stage.mjs'), staged]);
writeFileSync(join(staged, 'bench.html'), '<!doctype html><meta charset="utf-8"><title>bench</title>');
copyFileSync(resolve(root, 'bench/wasm/hand_written.js'), join(staged, 'hand_written.js'));
const sb = await startSandbox(['--rate-limit', '0', '--static', staged]);
const ratio = (ks, base) => `${(ks / base).toFixed(2)}x`;

// Runs each contender `rounds` times, interleaved, after `warm` unmeasured rounds; medians.
async function sideBySide(contenders, rounds, warm) {
  const times = contenders.map(() => []);
  for (let i = 0; i < warm + rounds; i++) {
    for (let c = 0; c < contenders.length; c++) {
      const t = performance.now();
      await contenders[c]();
      if (i >= warm) times[c].push(performance.now() - t);
    }
  }
  return times.map(median);
}

try {
  const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
  const keyId = (await client.listKeys())[0].id;
  const init = { headers: { cookie: `sb-access-token=${sb.token}`, accept: 'application/json' } };
  const bytes = new Uint8Array(await (await fetch(`${sb.url}/api/v1/keys/${keyId}/usage?days=90`, init)).arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const a = await hand.getUsage(sb.url, init, keyId, 90);
  const b = await client.getUsage(keyId, { days: 90 });
  if (JSON.stringify(Object.keys(a).sort()) !== JSON.stringify(Object.keys(b).sort()) || a.daily.length !== b.daily.length) {
    throw new Error('the two contenders do not return the same payload');
  }

  console.log(`\n== Node ${process.version}, sandbox on loopback: ${bytes.length} bytes per 90-day usage payload`);
  const [usageHand, usageKs] = await sideBySide([
    () => hand.getUsage(sb.url, init, keyId, 90),
    () => client.getUsage(keyId, { days: 90 }),
  ], ROUNDS, 30);
  console.log(`  getUsage, one call:            fetch + JSON.parse ${fmt(usageHand).padStart(8)}   keyscope ${fmt(usageKs).padStart(8)}   ${ratio(usageKs, usageHand)}`);

  const [fleetHand, fleetKs] = await sideBySide([
    () => hand.fetchFleet(sb.url, init, 90, 8),
    () => client.fetchFleet({ days: 90, concurrency: 8 }),
  ], 40, 5);
  console.log(`  dashboard load (13 keys, 8 in flight): hand-written ${fmt(fleetHand).padStart(8)}   keyscope ${fmt(fleetKs).padStart(8)}   ${ratio(fleetKs, fleetHand)}`);

  // Warmed up first (both sides reach their optimising tiers), then timed over many rounds.
  const perCall = (fn, n) => {
    for (let i = 0; i < 1000; i++) fn();
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    return (performance.now() - t) / n;
  };
  const parse = perCall(() => JSON.parse(new TextDecoder().decode(bytes)), 10000);
  const decode = perCall(() => ks.__internal.decode('usage', bytes), 10000);
  console.log(`  decode only (bytes -> object): TextDecoder + JSON.parse ${fmt(parse)}   keyscope (copy in, check, TextDecoder + JSON.parse, shape) ${fmt(decode)}   ${(decode / parse).toFixed(1)}x`);

  // A server 20 ms away (the sandbox's latency fault on every API request): what a dashboard
  // over a real network sees.
  await sb.fault({ mode: 'latency', latency_ms: 20, times: -1, path_contains: '/api/v1/keys' });
  const [wanUsageHand, wanUsageKs] = await sideBySide([
    () => hand.getUsage(sb.url, init, keyId, 90),
    () => client.getUsage(keyId, { days: 90 }),
  ], 40, 3);
  const [wanFleetHand, wanFleetKs] = await sideBySide([
    () => hand.fetchFleet(sb.url, init, 90, 8),
    () => client.fetchFleet({ days: 90, concurrency: 8 }),
  ], 10, 1);
  await sb.clearFaults();
  console.log('  with the server 20 ms away:');
  console.log(`    getUsage, one call:          fetch + JSON.parse ${fmt(wanUsageHand).padStart(8)}   keyscope ${fmt(wanUsageKs).padStart(8)}   ${ratio(wanUsageKs, wanUsageHand)}`);
  console.log(`    dashboard load:              hand-written ${fmt(wanFleetHand).padStart(8)}   keyscope ${fmt(wanFleetKs).padStart(8)}   ${ratio(wanFleetKs, wanFleetHand)}`);

  // ---- 4. Chromium: instantiate and the same comparisons in a page ----------------------------
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
      console.log(`\n== Chromium ${browser.version()}, same sandbox, cookie auth`);
      console.log(`  instantiate (import + fetch + instantiateStreaming + init, no cache): median ${fmt(median(times))}`);
      const r = await page.evaluate(async ({ keyId, rounds }) => {
        const ks = await import('/keyscope/index.js');
        const hand = await import('/hand_written.js');
        const client = await ks.createClient({ baseUrl: location.origin });
        const init = { credentials: 'include', headers: { accept: 'application/json' } };
        const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
        const both = async (f, g, n, warm) => {
          const a = []; const b = [];
          for (let i = 0; i < warm + n; i++) {
            let t = performance.now(); await f(); if (i >= warm) a.push(performance.now() - t);
            t = performance.now(); await g(); if (i >= warm) b.push(performance.now() - t);
          }
          return [med(a), med(b)];
        };
        const usage = await both(() => hand.getUsage(location.origin, init, keyId, 90),
          () => client.getUsage(keyId, { days: 90 }), rounds, 20);
        const fleet = await both(() => hand.fetchFleet(location.origin, init, 90, 8),
          () => client.fetchFleet({ days: 90, concurrency: 8 }), 30, 3);
        const bytes = new Uint8Array(await (await fetch(`/api/v1/keys/${keyId}/usage?days=90`, init)).arrayBuffer());
        const perCall = (fn, n) => {
          for (let i = 0; i < 1000; i++) fn();
          const t = performance.now();
          for (let i = 0; i < n; i++) fn();
          return (performance.now() - t) / n;
        };
        const parse = perCall(() => JSON.parse(new TextDecoder().decode(bytes)), 10000);
        const decode = perCall(() => ks.__internal.decode('usage', bytes), 10000);
        return { usage, fleet, parse, decode };
      }, { keyId, rounds: Math.min(ROUNDS, 200) });
      // The server 20 ms away, as for Node above: what a dashboard over a real network sees.
      await sb.fault({ mode: 'latency', latency_ms: 20, times: -1, path_contains: '/api/v1/keys' });
      const wan = await page.evaluate(async ({ keyId }) => {
        const ks = await import('/keyscope/index.js');
        const hand = await import('/hand_written.js');
        const client = await ks.createClient({ baseUrl: location.origin });
        const init = { credentials: 'include', headers: { accept: 'application/json' } };
        const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
        const both = async (f, g, n, warm) => {
          const a = []; const b = [];
          for (let i = 0; i < warm + n; i++) {
            let t = performance.now(); await f(); if (i >= warm) a.push(performance.now() - t);
            t = performance.now(); await g(); if (i >= warm) b.push(performance.now() - t);
          }
          return [med(a), med(b)];
        };
        const usage = await both(() => hand.getUsage(location.origin, init, keyId, 90),
          () => client.getUsage(keyId, { days: 90 }), 40, 3);
        const fleet = await both(() => hand.fetchFleet(location.origin, init, 90, 8),
          () => client.fetchFleet({ days: 90, concurrency: 8 }), 10, 1);
        return { usage, fleet };
      }, { keyId });
      await sb.clearFaults();
      console.log(`  getUsage, one call:            fetch + JSON.parse ${fmt(r.usage[0]).padStart(8)}   keyscope ${fmt(r.usage[1]).padStart(8)}   ${ratio(r.usage[1], r.usage[0])}`);
      console.log(`  dashboard load (13 keys, 8 in flight): hand-written ${fmt(r.fleet[0]).padStart(8)}   keyscope ${fmt(r.fleet[1]).padStart(8)}   ${ratio(r.fleet[1], r.fleet[0])}`);
      console.log(`  decode only (bytes -> object): TextDecoder + JSON.parse ${fmt(r.parse)}   keyscope ${fmt(r.decode)}   ${(r.decode / r.parse).toFixed(1)}x`);
      console.log('  with the server 20 ms away:');
      console.log(`    getUsage, one call:          fetch + JSON.parse ${fmt(wan.usage[0]).padStart(8)}   keyscope ${fmt(wan.usage[1]).padStart(8)}   ${ratio(wan.usage[1], wan.usage[0])}`);
      console.log(`    dashboard load:              hand-written ${fmt(wan.fleet[0]).padStart(8)}   keyscope ${fmt(wan.fleet[1]).padStart(8)}   ${ratio(wan.fleet[1], wan.fleet[0])}`);
      await context.close();
    } finally {
      await browser.close();
    }
  }
} finally {
  await sb.stop();
  rmSync(staged, { recursive: true, force: true });
}
