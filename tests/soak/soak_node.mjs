// The soak test's Node front door (scripts/soak.sh): every request of the plan through the npm
// package (bindings/wasm/dist) with IN_FLIGHT getUsage calls in flight, each held against the
// plan (fault-free fingerprint or the typed error). Samples open fds and RSS at start (after the
// warm-up), middle and end; prints one JSON line.
//   KEYSCOPE_SESSION=TOKEN node soak_node.mjs DIST_INDEX_JS BASE_URL PLAN.tsv [IN_FLIGHT=256]
import { readFileSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [distIndex, baseUrl, planPath, inFlightArg] = process.argv.slice(2);
const inFlight = Number(inFlightArg || 256);
const { createClient } = await import(pathToFileURL(distIndex).href);

const steps = readFileSync(planPath, 'utf8').split('\n').filter(Boolean).map((line) => {
  const [phase, keyId, days, expect, fingerprint] = line.split('\t');
  return { phase, keyId, days: Number(days), expect, fingerprint };
});

const num = (v) => (v === null || v === undefined ? '-' : Math.round(v).toString());
function fingerprint(u) {
  return [u.key_id, u.window_days, u.total_requests, u.successful, u.client_errors, u.server_errors,
    num(u.latency_p50_ms), num(u.latency_p95_ms), num(u.latency_p99_ms),
    Object.keys(u.by_status).sort().map((k) => `${k}=${u.by_status[k]}`).join(','),
    u.daily.map((d) => `${d.date}:${d.requests}:${d.errors}`).join(',')].join('|');
}
function sample() {
  return { fds: readdirSync('/proc/self/fd').length - 1, rss_kb: Math.round(process.memoryUsage().rss / 1024) };
}

const client = await createClient({ baseUrl, sessionToken: process.env.KEYSCOPE_SESSION });
const result = { front_door: 'node', requests: 0, ok: 0, expected_errors: 0, recovered: 0, wrong: 0, errors_by_type: {} };
const wrongExamples = [];
let doneMain = 0;
let middle;

async function runOne(step, totalMain) {
  let problem = '';
  let errorName = '';
  try {
    const usage = await client.getUsage(step.keyId, { days: step.days });
    if (fingerprint(usage) !== step.fingerprint) problem = `wrong value: ${fingerprint(usage)}`;
    else if (step.expect !== 'ok' && step.phase === 'main') result.recovered++;  // right value, error planned
  } catch (err) {
    errorName = err && err.name;
    if (!step.expect.split('/').includes(errorName)) {
      problem = `expected ${step.expect}, got ${errorName}: ${err && err.message}`;
    }
  }
  if (step.phase !== 'main') {
    if (problem) { result.wrong++; if (wrongExamples.length < 5) wrongExamples.push(`warm-up ${step.keyId}: ${problem}`); }
    return;
  }
  if (problem) {
    result.wrong++;
    if (wrongExamples.length < 5) wrongExamples.push(`${step.keyId}: ${problem}`);
  } else if (errorName) {
    result.expected_errors++;
    result.errors_by_type[errorName] = (result.errors_by_type[errorName] || 0) + 1;
  } else {
    result.ok++;
  }
  if (++doneMain === Math.floor(totalMain / 2)) middle = sample();
}

async function runPhase(phase) {
  const list = steps.filter((s) => s.phase === phase);
  let next = 0;
  const worker = async () => {
    while (next < list.length) await runOne(list[next++], list.length);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, list.length) }, worker));
  return list.length;
}

const begin = process.hrtime.bigint();
await runPhase('warmup');
const start = sample();
result.requests = await runPhase('main');
const end = sample();
result.fds = [start.fds, middle.fds, end.fds];
result.rss_kb = [start.rss_kb, middle.rss_kb, end.rss_kb];
result.seconds = Number(process.hrtime.bigint() - begin) / 1e9;
result.wrong_examples = wrongExamples;
console.log(JSON.stringify(result));
process.exit(result.wrong === 0 ? 0 : 1);
