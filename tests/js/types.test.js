// The package's TypeScript declarations (bindings/wasm/src/index.d.ts, shipped as dist/index.d.ts):
// 1. tests/js/types/usage.ts, which uses every public export as a user would, type-checks with
//    `tsc --noEmit --strict` against the package resolved by name (through "exports");
// 2. the objects the package really returns (from the sandbox) have exactly the fields the
//    .d.ts interfaces declare: nothing undeclared, every required field present.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as ks from '../../bindings/wasm/dist/index.js';
import { startSandbox, NOW } from './support/sandbox.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const srcDts = resolve(root, 'bindings/wasm/src/index.d.ts');
const distDts = resolve(root, 'bindings/wasm/dist/index.d.ts');
// The result models' interfaces, generated from schema/models.json.
const srcModelsDts = resolve(root, 'bindings/wasm/src/models.d.ts');
const distModelsDts = resolve(root, 'bindings/wasm/dist/models.d.ts');

test('dist/index.d.ts and dist/models.d.ts are the built copies of src/', () => {
  assert.equal(readFileSync(distDts, 'utf8'), readFileSync(srcDts, 'utf8'),
    'dist is stale: run npm run build:wasm');
  assert.equal(readFileSync(distModelsDts, 'utf8'), readFileSync(srcModelsDts, 'utf8'),
    'dist is stale: run npm run build:wasm');
});

test('tsc --noEmit --strict accepts tests/js/types/usage.ts (every public export)', () => {
  const tsc = resolve(root, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', resolve(root, 'tests/js/types/tsconfig.json'),
      '--noEmit', '--strict', '--pretty', 'false'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    assert.fail(`tsc failed:\n${error.stdout}${error.stderr}`);
  }
});

test('client-only.ts imports every runtime export of keyscope/client, and its .d.ts is built', async () => {
  const clientOnly = await import('../../bindings/wasm/dist/client-only.js');
  const usage = readFileSync(resolve(root, 'tests/js/types/client-only.ts'), 'utf8');
  const missing = Object.keys(clientOnly).filter((name) => !new RegExp(`\\b${name}\\b`).test(usage));
  assert.deepEqual(missing, []);
  assert.equal(readFileSync(resolve(root, 'bindings/wasm/dist/client-only.d.ts'), 'utf8'),
    readFileSync(resolve(root, 'bindings/wasm/src/client-only.d.ts'), 'utf8'), 'dist is stale: run npm run build:wasm');
});

test('usage.ts imports every runtime export of the package', () => {
  const usage = readFileSync(resolve(root, 'tests/js/types/usage.ts'), 'utf8');
  const exported = Object.keys(ks).filter((name) => name !== '__internal');
  const missing = exported.filter((name) => !new RegExp(`\\b${name}\\b`).test(usage));
  assert.deepEqual(missing, []);
});

// ---- declared fields of the .d.ts interfaces, read with the TypeScript compiler API

const interfaces = new Map(); // name -> { fields: Map(name -> optional), extends: [names] }
for (const file of [srcDts, srcModelsDts]) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  for (const node of source.statements) {
    if (!ts.isInterfaceDeclaration(node)) continue;
    const fields = new Map();
    let indexed = false;
    for (const member of node.members) {
      if (ts.isPropertySignature(member)) fields.set(member.name.getText(source), !!member.questionToken);
      if (ts.isIndexSignatureDeclaration(member)) indexed = true;
    }
    const bases = (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(source)));
    interfaces.set(node.name.text, { fields, bases, indexed });
  }
}

function declared(name) {
  const entry = interfaces.get(name);
  assert.ok(entry, `interface ${name} is not declared in index.d.ts or models.d.ts`);
  const fields = new Map();
  for (const base of entry.bases) for (const [k, v] of declared(base)) fields.set(k, v);
  for (const [k, v] of entry.fields) fields.set(k, v);
  return fields;
}

function assertShape(object, name, where = name) {
  assert.equal(typeof object, 'object', `${where} is an object`);
  assert.equal(interfaces.get(name).indexed, false, `${name} has no index signature: it lists every field`);
  const fields = declared(name);
  const undeclared = Object.keys(object).filter((k) => !fields.has(k));
  assert.deepEqual(undeclared, [], `${where}: fields missing from interface ${name} in index.d.ts`);
  const absent = [...fields].filter(([k, optional]) => !optional && !(k in object)).map(([k]) => k);
  assert.deepEqual(absent, [], `${where}: required fields of ${name} the package did not return`);
}

let sb;
before(async () => { sb = await startSandbox(['--rate-limit', '0']); });
after(async () => { await sb?.stop(); });

test('what the package returns matches the declared interfaces', async () => {
  const client = await ks.createClient({ baseUrl: sb.url, sessionToken: sb.token });
  const keys = await client.listKeys();
  keys.forEach((k, i) => assertShape(k, 'APIKeyInfo', `listKeys()[${i}]`));

  for (const key of keys) {
    const details = await client.getKey(key.id);
    assertShape(details, 'APIKeyDetails', 'getKey()');
    // The per-day series is `usage.daily` (not `usage_daily`), always present.
    assert.ok(Array.isArray(details.usage?.daily), 'getKey() has usage.daily');
    assert.equal('usage_daily' in details, false);
    assert.deepEqual(Object.keys(details.usage), ['daily']);
    details.usage.daily.forEach((d) => assertShape(d, 'DailyBucket', 'getKey().usage.daily[]'));
    assert.ok(details.allowed_ips === null || Array.isArray(details.allowed_ips));
  }
  const withDaily = await client.getKey(keys[0].id);
  assert.ok(withDaily.usage.daily.length > 0, 'the sandbox sends a daily series for the first key');

  const usage = await client.getUsage(keys[0].id, { days: 90 });
  assertShape(usage, 'KeyUsage', 'getUsage()');
  usage.daily.forEach((d) => assertShape(d, 'DailyBucket', 'getUsage().daily[]'));
  usage.top_endpoints.forEach((e) => assertShape(e, 'EndpointCount', 'getUsage().top_endpoints[]'));
  const fleet = await client.fetchFleet({ days: 90 });
  assertShape(fleet, 'Fleet', 'fetchFleet()');
  const hours = fleet.usages.flatMap((u) => u.rate_limit_hits_by_hour);
  assert.ok(hours.length > 0, 'some key has rate-limit hits');
  hours.forEach((h) => assertShape(h, 'HourBucket', 'rate_limit_hits_by_hour[]'));

  const rows = await client.usageByKey({ days: 30 });
  rows.forEach((r) => assertShape(r, 'UsageRow', 'usageByKey()[]'));
  rows.flatMap((r) => r.endpoint_distribution).forEach((e) => assertShape(e, 'EndpointShare', 'endpoint_distribution[]'));
  assertShape(client.rateLimit, 'RateLimit', 'client.rateLimit');

  const findings = ks.detectAnomalies({ ...fleet, now: NOW });
  assert.ok(findings.length >= 7);
  const kinds = /export type FindingKind =([^;]*);/.exec(readFileSync(srcDts, 'utf8'))[1];
  for (const f of findings) {
    assertShape(f, 'Finding', 'detectAnomalies()[]');
    assert.ok(kinds.includes(`'${f.kind}'`), `kind ${f.kind} is declared in FindingKind`);
    for (const v of Object.values(f.metrics)) assert.equal(typeof v, 'number');
  }
  ks.chargeback({ rows, bill: '12500.00', mapping: { name_pattern: '\\[(\\w+)\\]' } })
    .forEach((c) => assertShape(c, 'ChargebackRow', 'chargeback()[]'));
  ks.checkUsage({ usage, end_date: NOW.slice(0, 10) })
    .forEach((c) => assertShape(c, 'IntegrityCheck', 'checkUsage()[]'));
  ks.gapFill({ daily: usage.daily.slice(0, 3), window_days: 5, end_date: NOW.slice(0, 10) })
    .forEach((d) => assertShape(d, 'DailyBucket', 'gapFill()[]'));

  // Logs: a summary with bad lines, and a reconciliation with findings of every shape.
  const day = NOW.slice(0, 10);
  const log = [
    JSON.stringify({ timestamp: `${day}T01:00:00Z`, path: '/api/v1/x', status: 200, duration_ms: 12, key: keys[0].key_prefix }),
    JSON.stringify({ timestamp: `${day}T01:00:01Z`, path: '/api/v1/x', status: 200, key: 'sk_live_Unkn0000000000000000000000000000000' }),
    'not json',
  ].join('\n');
  const summary = await ks.summarizeLogs(log, { keys, days: 30, now: NOW });
  assertShape(summary, 'LogSummary', 'summarizeLogs()');
  summary.usages.forEach((u) => assertShape(u, 'KeyUsage', 'summarizeLogs().usages[]'));
  assert.ok(summary.bad_lines.length > 0);
  summary.bad_lines.forEach((b) => assertShape(b, 'BadLines', 'summarizeLogs().bad_lines[]'));
  const fleet30 = await client.fetchFleet({ days: 30 });
  const reconciled = await client.reconcile({ logs: log, days: 30, now: NOW });
  assertShape(reconciled, 'Reconciliation', 'client.reconcile()');
  assert.ok(reconciled.findings.length > 0);
  reconciled.findings.forEach((f) => assertShape(f, 'ReconcileFinding', 'client.reconcile().findings[]'));
  reconciled.keys.forEach((k) => assertShape(k, 'KeyReconciliation', 'client.reconcile().keys[]'));
  const standalone = await ks.reconcile({ keys: fleet30.keys, apiUsages: fleet30.usages, logSummary: summary, now: NOW });
  assertShape(standalone, 'Reconciliation', 'reconcile()');
  const reader = new ks.LogReader({ now: NOW }).feed(log);
  assertShape(reader.summary(), 'LogSummary', 'LogReader.summary()');
  reader.dispose();
  client.close();
});
