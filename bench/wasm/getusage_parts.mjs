#!/usr/bin/env node
// Where a getUsage call's time goes in Node, on loopback: five contenders side by side, in one
// run, each a step further towards what keyscope does (medians per call, ratios to the first):
//   fetch + JSON.parse                      hand-written (bench/wasm/hand_written.js)
//   + timeout signal                        the same with an AbortController and timer, as keyscope
//   keyscope's JS steps, no core            that fetch, the response headers the core reads and
//                                           the JS check of the body (dist/host_check.js)
//   keyscope getUsage                       the package: its direct path (src/direct.js), the
//                                           same steps without the core on a success
//   keyscope getUsage through the core      the same call run by the wasm core
//                                           (__internal.throughCore), as every call was before
// The gap between the last two is what the core's crossing costs between real round trips; the
// same with the server 1 ms and 20 ms away shows what is left of it at a real distance. Then the
// same without the network (a fetch answered from memory), warm and with the caches flushed
// between calls by a 16 MB walk: the core's share grows when its code and data are cold.
//   node bench/wasm/getusage_parts.mjs      (needs KEYSCOPE_SANDBOX and a built dist/)
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../tests/js/support/sandbox.js';
import { blocksSideBySide, memoryUsageFetch } from './contest.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dist = resolve(root, 'bindings/wasm/dist');
const ks = await import(resolve(dist, 'index.js'));
const { hostCheckedResult } = await import(resolve(dist, 'host_check.js'));
const hand = await import(resolve(root, 'bench/wasm/hand_written.js'));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3000);
await ks.init();
// keyscope's JS steps for one call without the core: what src/transport.js and the JS check do
// on a direct getUsage's success (the headers the core reads are read later, when it needs them).
async function jsStepsOnly(fetchImpl, url, headerLines) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30000);
  try {
    const response = await fetchImpl(url, {
      method: 'GET', headers: new Headers(headerLines), credentials: 'include', signal: controller.signal,
      redirect: 'manual', cache: 'no-store',
    });
    if (Number(response.headers.get('content-length')) > 32 << 20) return undefined;
    const body = new Uint8Array(await response.arrayBuffer());
    lastDate = response.headers.get('date') ?? lastDate;
    return hostCheckedResult('usage', body);
  } finally {
    clearTimeout(timer);
  }
}
let lastDate = null;

// The contenders ([name, fn]) interleaved, `rounds` times after `warm`; `between` runs before each
// call, outside the timing. Medians in µs.
async function interleaved(contenders, rounds, warm, between) {
  const ms = await blocksSideBySide(contenders.map(([, fn]) => fn), rounds, 1, warm, between);
  return ms.map((t) => t * 1000);
}

function print(title, contenders, medians) {
  console.log(title);
  contenders.forEach(([name], i) => console.log(`  ${name.padEnd(38)} ${medians[i].toFixed(1).padStart(7)} µs   ${(medians[i] / medians[0]).toFixed(2)}x`));
}

const junk = new Uint8Array(16 * 1024 * 1024);
let sink = 0;
const flushCaches = () => { for (let i = 0; i < junk.length; i += 64) sink += junk[i]++; };

const sb = await startSandbox(['--rate-limit', '0']);
try {
  const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
  const keyId = (await client.listKeys())[0].id;
  const url = `${sb.url}/api/v1/keys/${keyId}/usage?days=90`;
  const init = { headers: { cookie: `sb-access-token=${sb.token}`, accept: 'application/json' } };
  const lines = [['Accept', 'application/json'], ['User-Agent', client.userAgent], ['Cookie', `sb-access-token=${sb.token}`]];
  const loopback = [
    ['fetch + JSON.parse', () => hand.getUsage(sb.url, init, keyId, 90)],
    ['+ timeout signal', () => hand.getUsageWithTimeout(sb.url, init, keyId, 90)],
    ["keyscope's JS steps, no core", () => jsStepsOnly(fetch, url, lines)],
    ['keyscope getUsage', () => client.getUsage(keyId, { days: 90 })],
    ['keyscope getUsage through the core', () => ks.__internal.throughCore(() => client.getUsage(keyId, { days: 90 }))],
  ];
  console.log(`Node ${process.version}, sandbox on loopback, 90-day usage, ${ROUNDS} rounds`);
  print('on loopback:', loopback, await interleaved(loopback, ROUNDS, 300));
  // The sandbox's latency fault: a server in the same data centre (1 ms) and across a region (20 ms).
  for (const ms of [1, 20]) {
    await sb.fault({ mode: 'latency', latency_ms: ms, times: -1, path_contains: '/api/v1/keys' });
    print(`with the server ${ms} ms away:`, loopback, await interleaved(loopback, ms === 1 ? 400 : 60, 20));
    await sb.clearFaults();
  }

  const bytes = new Uint8Array(await (await fetch(url, init)).arrayBuffer());
  const memoryFetch = memoryUsageFetch(bytes);
  const base = 'https://api.example.test';
  const memoryClient = await ks.createClient({ baseUrl: base, fetch: memoryFetch, credentials: 'omit' });
  const memoryUrl = `${base}/api/v1/keys/${keyId}/usage?days=90`;
  const memory = [
    ['fetch + JSON.parse', async () => (await (await memoryFetch(memoryUrl)).json()).data],
    ["keyscope's JS steps, no core", () => jsStepsOnly(memoryFetch, memoryUrl, lines.slice(0, 2))],
    ['keyscope getUsage', () => memoryClient.getUsage(keyId, { days: 90 })],
    ['keyscope getUsage through the core', () => ks.__internal.throughCore(() => memoryClient.getUsage(keyId, { days: 90 }))],
  ];
  print('fetch answered from memory, warm:', memory, await interleaved(memory, ROUNDS, 300));
  print('fetch answered from memory, caches flushed before each call:', memory,
    await interleaved(memory, Math.ceil(ROUNDS / 3), 100, flushCaches));
  memoryClient.close();
  client.close();
} finally {
  await sb.stop();
}
if (sink === -1) console.log(sink); // keeps the walk from being optimised away
