#!/usr/bin/env node
// Budgets of the npm package, measured (never asserted): size of every file (raw, gzip, brotli),
// of the full package and of what each entry downloads, instantiate time in Node and in headless Chromium, and -- side by side, in one
// run, against hand-written fetch + JSON.parse (hand_written.js) -- one getUsage call, a
// dashboard's load (key list + every usage), and the decode alone.
//   npm run bench:wasm            (needs KEYSCOPE_SANDBOX, a built dist/, /usr/bin/chromium)
import { copyFileSync, readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../tests/js/support/sandbox.js';
import { compareCalls, compareDecode, compareFleetOverhead, compareOverhead, median } from './contest.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dist = resolve(root, 'bindings/wasm/dist');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const fmt = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

// ---- 1. size -------------------------------------------------------------------------------
// Every file a page can load (not the .d.ts, not the source maps), and what each entry downloads:
// the files its static imports reach (a dynamic import() is left out: it loads on first use)
// and the .wasm those files name.
console.log('== size (what a page downloads)');
const sizes = new Map();
for (const f of readdirSync(dist).filter((name) => !name.endsWith('.d.ts') && !name.endsWith('.map'))) {
  const bytes = readFileSync(join(dist, f));
  sizes.set(f, {
    raw: bytes.length,
    gz: gzipSync(bytes, { level: 9 }).length,
    br: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  });
}
function downloadOf(entry) {
  const reached = new Set();
  const visit = (file) => {
    if (reached.has(file)) return;
    reached.add(file);
    if (!file.endsWith('.js')) return;
    const text = readFileSync(join(dist, file), 'utf8');
    for (const [, name] of text.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([^"']+)["']/g)) visit(name);
    for (const [, name] of text.matchAll(/new URL\(\s*["']\.\/([^"']+\.wasm)["']/g)) visit(name);
  };
  visit(entry);
  return [...reached];
}
const sum = (files) => files.reduce((t, f) => ({ raw: t.raw + sizes.get(f).raw, gz: t.gz + sizes.get(f).gz,
  br: t.br + sizes.get(f).br }), { raw: 0, gz: 0, br: 0 });
const line = (name, { raw, gz, br }, note = '') =>
  console.log(`  ${name.padEnd(34)} raw ${kb(raw).padStart(9)}   gzip ${kb(gz).padStart(8)}   brotli ${kb(br).padStart(8)}${note}`);
for (const [f, size] of sizes) line(f, size);
line('full package (every file above)', sum([...sizes.keys()]), '   (budget: < 200 KB gzip)');
for (const [name, entry] of [['main entry (keyscope)', 'index.js'], ['client-only entry (keyscope/client)', 'client-only.js']]) {
  if (!sizes.has(entry)) continue;
  const files = downloadOf(entry);
  line(name, sum(files), name.startsWith('client') ? '   (target: <= 120 KB gzip)' : '');
  console.log(`    ${files.length} files: ${files.filter((f) => !f.endsWith('.js') || f.startsWith('keyscope-')).join(', ')} + ${files.filter((f) => f.endsWith('.js') && !f.startsWith('keyscope-')).length} ES modules`);
}

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
for (const f of ['hand_written.js', 'contest.js']) copyFileSync(resolve(root, 'bench/wasm', f), join(staged, f));
const sb = await startSandbox(['--rate-limit', '0', '--static', staged]);
const ratio = (ks, base) => `${(ks / base).toFixed(2)}x`;
// The sandbox's latency fault on every API request: what a dashboard over a real network sees.
const serverAway = (ms) => sb.fault({ mode: 'latency', latency_ms: ms, times: -1, path_contains: '/api/v1/keys' });

function report({ usage, fleet }, indent = '  ') {
  console.log(`${indent}getUsage, one call:            fetch + JSON.parse ${fmt(usage[0]).padStart(8)}   keyscope ${fmt(usage[1]).padStart(8)}   ${ratio(usage[1], usage[0])}` +
    `   (with a timeout signal, as keyscope: ${fmt(usage[2])}, keyscope ${ratio(usage[1], usage[2])})`);
  console.log(`${indent}dashboard load (13 keys, 8 in flight): hand-written ${fmt(fleet[0]).padStart(8)}   keyscope ${fmt(fleet[1]).padStart(8)}   ${ratio(fleet[1], fleet[0])}`);
}
function reportDecode({ parse, decode }) {
  console.log(`  decode only (bytes -> object): TextDecoder + JSON.parse ${fmt(parse)}   keyscope (strict TextDecoder + JSON.parse, JS checks, shape) ${fmt(decode)}   ${(decode / parse).toFixed(2)}x`);
}
function reportOverhead([handMs, ksMs]) {
  console.log(`  CPU per getUsage, fetch answered from memory: hand-written ${fmt(handMs)}   keyscope ${fmt(ksMs)}   keyscope adds ${fmt(ksMs - handMs)} a call`);
}
function reportFleetOverhead([handMs, ksMs]) {
  console.log(`  CPU per fetchFleet (13 keys), fetch answered from memory: hand-written ${fmt(handMs)}   keyscope ${fmt(ksMs)}   ${ratio(ksMs, handMs)}`);
}

try {
  const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
  const keyId = (await client.listKeys())[0].id;
  const init = { headers: { cookie: `sb-access-token=${sb.token}`, accept: 'application/json' } };
  const bytes = new Uint8Array(await (await fetch(`${sb.url}/api/v1/keys/${keyId}/usage?days=90`, init)).arrayBuffer());
  const listBytes = new Uint8Array(await (await fetch(`${sb.url}/api/v1/keys`, init)).arrayBuffer());
  const a = await hand.getUsage(sb.url, init, keyId, 90);
  const b = await client.getUsage(keyId, { days: 90 });
  if (JSON.stringify(Object.keys(a).sort()) !== JSON.stringify(Object.keys(b).sort()) || a.daily.length !== b.daily.length) {
    throw new Error('the two contenders do not return the same payload');
  }
  const calls = { hand, client, base: sb.url, init, keyId };

  console.log(`\n== Node ${process.version}, sandbox on loopback: ${bytes.length} bytes per 90-day usage payload`);
  report(await compareCalls({ ...calls, usageRounds: ROUNDS, fleetRounds: 40, warm: 30 }));
  reportDecode(compareDecode(ks.__internal.decode, bytes));
  reportOverhead(await compareOverhead(ks, bytes, keyId));
  reportFleetOverhead(await compareFleetOverhead(ks, hand, listBytes, bytes));
  await serverAway(20);
  console.log('  with the server 20 ms away:');
  report(await compareCalls({ ...calls, usageRounds: 40, fleetRounds: 10, warm: 3 }), '    ');
  await sb.clearFaults();

  // ---- 4. Chromium: instantiate and the same comparisons in a page ----------------------------
  let launchChromium;
  try {  // the Chromium tests' launcher (Debian's chromium through playwright-core)
    ({ launchChromium } = await import('../../tests/browser/support/browser.js'));
  } catch {
    console.log('\n(playwright-core not installed: Chromium figures skipped)');
  }
  if (launchChromium) {
    const browser = await launchChromium();
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
      // The page's own cookie authenticates both contenders.
      const inPage = (rounds, withDecode) => page.evaluate(async ({ keyId, rounds, withDecode }) => {
        const ks = await import('/keyscope/index.js');
        const contest = await import('/contest.js');
        const hand = await import('/hand_written.js');
        const client = await ks.createClient({ baseUrl: location.origin });
        const init = { credentials: 'include', headers: { accept: 'application/json' } };
        const out = await contest.compareCalls({ hand, client, base: location.origin, init, keyId, ...rounds });
        if (withDecode) {
          const bytes = new Uint8Array(await (await fetch(`/api/v1/keys/${keyId}/usage?days=90`, init)).arrayBuffer());
          out.decode = contest.compareDecode(ks.__internal.decode, bytes);
          out.overhead = await contest.compareOverhead(ks, bytes, keyId);
          const listBytes = new Uint8Array(await (await fetch('/api/v1/keys', init)).arrayBuffer());
          out.fleetOverhead = await contest.compareFleetOverhead(ks, hand, listBytes, bytes);
        }
        return out;
      }, { keyId, rounds, withDecode });
      const local = await inPage({ usageRounds: Math.min(ROUNDS, 200), fleetRounds: 30, warm: 20 }, true);
      report(local);
      reportDecode(local.decode);
      reportOverhead(local.overhead);
      reportFleetOverhead(local.fleetOverhead);
      await serverAway(20);
      console.log('  with the server 20 ms away:');
      report(await inPage({ usageRounds: 40, fleetRounds: 10, warm: 3 }, false), '    ');
      await sb.clearFaults();
      await context.close();
    } finally {
      await browser.close();
    }
  }
} finally {
  await sb.stop();
  rmSync(staged, { recursive: true, force: true });
}
