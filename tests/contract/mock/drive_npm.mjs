// Runs mock cases through the npm package in Node (one process for every case).
// usage: node drive_npm.mjs PATH/TO/dist/index.js CASES.json RESULTS.json
// CASES.json and RESULTS.json as in drive_wheel.py (same "observed" shape); integers arrive as
// JavaScript numbers, so counts beyond 2^53 are the nearest double.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [distIndex, casesPath, resultsPath] = process.argv.slice(2);
const ks = await import(pathToFileURL(distIndex).href);
const spec = JSON.parse(readFileSync(casesPath, 'utf8'));

function observe(operation, value) {
  if (operation === 'listKeys') {
    return {
      count: value.length,
      keys: value.map((k) => ({ id: k.id, key_prefix: k.key_prefix, name: k.name, total_requests: k.total_requests })),
    };
  }
  if (operation === 'getKey') {
    return { id: value.id, key_prefix: value.key_prefix, name: value.name, total_requests: value.total_requests,
      daily: value.usage.daily.length };
  }
  return { key_id: value.key_id, total_requests: value.total_requests, daily: value.daily.length,
    top_endpoints: value.top_endpoints.length, by_status: Object.keys(value.by_status) };
}

async function call(client, c) {
  if (c.operation === 'listKeys') return client.listKeys();
  if (c.operation === 'getKey') return client.getKey(c.key_id);
  return client.getUsage(c.key_id, { days: 30 });
}

const results = [];
for (const c of spec.cases) {
  try {
    const client = await ks.createClient({ baseUrl: c.base_url, sessionToken: spec.token, strict: c.strict, timeoutMs: 10000 });
    const value = await call(client, c);
    results.push({ id: c.id, outcome: 'ok', observed: observe(c.operation, value) });
  } catch (error) {
    const known = error instanceof ks.KeyscopeError;
    results.push({ id: c.id, outcome: 'error', error_class: known ? error.name : `not a KeyscopeError: ${error?.name}`,
      json_path: known ? error.jsonPath ?? null : null, message: String(error?.message ?? error) });
  }
}
writeFileSync(resultsPath, JSON.stringify(results));
