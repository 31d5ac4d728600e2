// The npm package and the dashboard in real headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core), served same-origin by keyscope-sandbox --static. The session cookie set
// by the sandbox's login endpoint is what authenticates: page JS never sets Cookie/Authorization.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, existsSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launchChromium, assertSignedOutPageShowsAuthenticationError } from './support/browser.js';
import { startSandbox, sandboxPath, NOW } from '../js/support/sandbox.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const packageVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const artifacts = resolve(root, 'artifacts');

// A page that loads the package with nothing but a plain module script.
const PLAIN_PAGE = `<!doctype html><meta charset="utf-8"><title>plain</title>
<script type="module">
  import * as ks from './keyscope/index.js';
  window.ks = ks;
  window.loaded = ks.init().then(() => ({ version: ks.version(), env: ks.environmentOf('sk_test_abcd') }));
</script>`;

let sb;
let browser;
let staged;

before(async () => {
  staged = mkdtempSync(join(tmpdir(), 'keyscope-dashboard-'));
  execFileSync(process.execPath, [resolve(root, 'examples/dashboard/stage.mjs'), staged]);
  writeFileSync(join(staged, 'plain.html'), PLAIN_PAGE);
  sb = await startSandbox(['--static', staged, '--rate-limit', '0']);
  browser = await launchChromium();
  mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  await sb?.stop();
  if (staged) rmSync(staged, { recursive: true, force: true });
});

// A context whose page records every fetch() the page's JS makes, with the headers JS passed.
async function newPage({ login }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.addInitScript(() => {
    window.__fetches = [];
    const original = window.fetch.bind(window);
    window.fetch = (input, init = {}) => {
      const headers = {};
      new Headers(init.headers ?? {}).forEach((v, k) => { headers[k] = v; });
      window.__fetches.push({ url: String(input), headers, credentials: init.credentials ?? null });
      return original(input, init);
    };
  });
  const wire = [];
  page.on('request', async (request) => {
    if (request.url().includes('/api/v1/')) wire.push(request);
  });
  if (login) {
    await page.goto(`${sb.origin}/__sandbox/login?token=${encodeURIComponent(sb.token)}&next=/plain.html`);
  } else {
    await page.goto(`${sb.origin}/plain.html`);
  }
  await page.evaluate(() => window.loaded);
  return { context, page, errors, wire };
}

describe('package in Chromium', () => {
  test('loads through a plain <script type="module"> and runs the analytics', async () => {
    const { context, page, errors } = await newPage({ login: false });
    const loaded = await page.evaluate(() => window.loaded);
    assert.deepEqual(loaded, { version: packageVersion, env: 'test' });
    const p = await page.evaluate(() => window.ks.percentiles([1, 2, 3, 4], [0.5]));
    assert.deepEqual(p, [2.5]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the session cookie authenticates; page JS sends no Cookie or Authorization header', async () => {
    const { context, page, wire } = await newPage({ login: true });
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'sb-access-token');
    assert.ok(session, 'login set the cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(await page.evaluate(() => document.cookie.includes('sb-access-token')), false);

    const result = await page.evaluate(async () => {
      const client = await window.ks.createClient({ baseUrl: location.origin });
      const keys = await client.listKeys();
      const usages = await Promise.all(keys.map((k) => client.getUsage(k.id, { days: 90 })));
      return { keys: keys.length, days: usages.map((u) => u.daily.length), rl: client.rateLimit };
    });
    assert.equal(result.keys, 13);
    assert.equal(result.days.length, 13);
    assert.ok(result.rl.limit > 0);

    const fetches = await page.evaluate(() => window.__fetches.filter((f) => f.url.includes('/api/v1/')));
    assert.equal(fetches.length, 14);
    for (const f of fetches) {
      assert.equal(f.credentials, 'include');
      assert.equal(f.headers.cookie, undefined, 'JS set a Cookie header');
      assert.equal(f.headers.authorization, undefined, 'JS set an Authorization header');
      assert.equal(f.headers['user-agent'], undefined);
      assert.equal(f.headers.accept, 'application/json');
    }
    // ...while on the wire the browser attached its own cookie.
    assert.ok(wire.length >= 14);
    for (const request of wire) {
      const headers = await request.allHeaders();
      assert.match(headers.cookie ?? '', /sb-access-token=/);
      assert.equal(headers.authorization, undefined);
    }
    await context.close();
  });

  test('without the cookie: AuthenticationError (401); a sessionToken is refused in a page', async () => {
    const { context, page } = await newPage({ login: false });
    const outcome = await page.evaluate(async () => {
      const client = await window.ks.createClient({ baseUrl: location.origin });
      try {
        await client.listKeys();
        return { ok: true };
      } catch (e) {
        return { name: e.name, status: e.status, code: e.code, isKs: e instanceof window.ks.KeyscopeError,
          isAuth: e instanceof window.ks.AuthenticationError, requestId: e.requestId };
      }
    });
    assert.equal(outcome.name, 'AuthenticationError');
    assert.equal(outcome.status, 401);
    assert.equal(outcome.isAuth, true);
    assert.equal(outcome.isKs, true);
    assert.match(outcome.requestId, /^req_/);
    const refused = await page.evaluate(async () => {
      try {
        await window.ks.createClient({ baseUrl: location.origin, sessionToken: 'abc' });
        return null;
      } catch (e) {
        return e.name;
      }
    });
    assert.equal(refused, 'ValidationError');
    await context.close();
  });

  test('50 concurrent calls, abort and timeout in the page', async () => {
    const { context, page } = await newPage({ login: true });
    await sb.fault({ path_contains: '/usage', mode: 'latency', latency_ms: 3000, times: 2 });
    const outcome = await page.evaluate(async () => {
      const client = await window.ks.createClient({ baseUrl: location.origin, maxRetries: 0 });
      const keys = await client.listKeys();
      const controller = new AbortController();
      const aborted = client.getUsage(keys[0].id, { signal: controller.signal }).catch((e) => e.name);
      const timedOut = client.getUsage(keys[0].id, { timeoutMs: 200 }).catch((e) => e.name);
      setTimeout(() => controller.abort(), 50);
      const names = await Promise.all([aborted, timedOut]);
      const all = await Promise.all(Array.from({ length: 50 }, (_, i) => client.getUsage(keys[i % keys.length].id)));
      return { names, count: all.length };
    });
    assert.deepEqual(outcome.names.sort(), ['CancelledError', 'TimeoutError']);
    assert.equal(outcome.count, 50);
    await sb.clearFaults();
    await context.close();
  });

  test('a redirect to another origin is a RedirectError (status 0: the browser hides it), not followed', async () => {
    const elsewhere = await startSandbox();
    const { context, page } = await newPage({ login: true });
    try {
      await sb.fault({ path_contains: '/api/v1/keys', mode: 'redirect', status: 302, times: 0,
        location: `${elsewhere.origin}/api/v1/keys?q=hidden-query` });
      const outcome = await page.evaluate(async () => {
        const client = await window.ks.createClient({ baseUrl: location.origin, maxRetries: 0 });
        try {
          await client.listKeys();
          return { ok: true };
        } catch (e) {
          return { name: e.name, status: e.status, code: e.code, message: e.message,
            isRedirect: e instanceof window.ks.RedirectError };
        }
      });
      assert.equal(outcome.name, 'RedirectError', JSON.stringify(outcome));
      assert.equal(outcome.isRedirect, true);
      assert.equal(outcome.status, 0);
      assert.equal(outcome.code, 'redirect_refused');
      assert.match(outcome.message, /keyscope does not follow redirects/);
      assert.equal((await elsewhere.stats()).requests, 0);
    } finally {
      await sb.clearFaults();
      await context.close();
      await elsewhere.stop();
    }
  });
});

// The dashboard, signed in through the sandbox's login page, once it says it is ready (or failed).
// `next` is where the login sends the browser: `/?now=...` pins the dashboard's clock.
async function openDashboard(next = `/?now=${NOW}`) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${sb.origin}/__sandbox/login?token=${encodeURIComponent(sb.token)}` +
    `&next=${encodeURIComponent(next)}`);
  await page.waitForSelector('body[data-ready]', { timeout: 20000 });
  return { context, page, errors };
}

describe('dashboard', () => {
  test('renders the sandbox keys, a chart, anomalies and chargeback (screenshot saved)', async () => {
    const { context, page, errors } = await openDashboard();
    assert.equal(await page.getAttribute('body', 'data-ready'), 'true',
      `dashboard failed: ${await page.textContent('#error')}`);

    const names = await page.$$eval('#keys tbody tr td.name', (tds) => tds.map((td) => td.textContent));
    assert.equal(names.length, 13);
    assert.ok(names.includes('Production SIEM [secops]'), names.join(', '));

    const kinds = await page.$$eval('#anomalies li', (lis) => lis.map((li) => li.dataset.kind));
    for (const kind of ['spike', 'dormant_reactivated', 'error_burst', 'rate_limit_pressure',
      'test_key_production_traffic', 'expired_not_revoked', 'never_used']) {
      assert.ok(kinds.includes(kind), `anomaly ${kind} missing from ${kinds.join(', ')}`);
    }

    const centers = await page.$$eval('#chargeback tbody tr', (trs) => trs.map((tr) => ({
      center: tr.dataset.costCenter, cost: tr.lastElementChild.textContent })));
    assert.ok(centers.length >= 3);
    const totalCents = centers.reduce((sum, c) => sum + Math.round(Number(c.cost) * 100), 0);
    assert.equal(totalCents, 1250000, 'chargeback sums to the bill to the cent');

    assert.equal(await page.getAttribute('#chart', 'data-points'), '90');
    assert.ok(await page.$('#chart canvas'), 'uPlot drew a canvas');

    // Another key's chart on click.
    const second = await page.$$eval('#keys tbody tr:not(.revoked)', (trs) => trs[1].dataset.keyId);
    await page.click(`#keys tbody tr[data-key-id="${second}"]`);
    assert.equal(await page.getAttribute('#chart', 'data-key-id'), second);

    const shot = resolve(artifacts, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(existsSync(shot) && statSync(shot).size > 10000);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("one key's usage fails (404): the other keys render and the failed one is marked with its error", async () => {
    const listed = await fetch(`${sb.url}/api/v1/keys`, { headers: { cookie: `sb-access-token=${sb.token}` } })
      .then((r) => r.json());
    const victim = listed.data.find((k) => k.name.startsWith('Partner feed'));
    await sb.fault({ path_contains: `${victim.id}/usage`, mode: 'status', status: 404, times: 0 });
    const { context, page, errors } = await openDashboard();
    try {
      assert.equal(await page.getAttribute('body', 'data-ready'), 'true',
        `dashboard failed: ${await page.textContent('#error')}`);
      assert.equal(await page.isVisible('#error'), false, 'no page-wide error');

      const rows = await page.$$eval('#keys tbody tr', (trs) => trs.map((tr) => ({
        id: tr.dataset.keyId, failed: tr.classList.contains('failed'), error: tr.dataset.error ?? null,
        requests: tr.children[4].textContent, status: tr.lastElementChild.textContent })));
      assert.equal(rows.length, 13, 'every key is listed');
      const failedRows = rows.filter((r) => r.failed);
      assert.deepEqual(failedRows.map((r) => [r.id, r.error]), [[victim.id, 'NotFoundError']]);
      assert.match(failedRows[0].status, /failed: NotFoundError/);
      assert.ok(await page.isVisible(`#keys tbody tr[data-key-id="${victim.id}"] .badge.failed`), 'a visible badge');
      const answered = rows.filter((r) => !r.failed && r.requests !== '—');
      assert.equal(answered.length, 11, 'the 11 other active keys have their numbers');
      const options = await page.$$eval('#chart-key option', (os) => os.map((o) => o.value));
      assert.equal(options.length, 11);
      assert.ok(!options.includes(victim.id));
      assert.match(await page.textContent('#status'), /1 failed/);
      const anomalyKeys = await page.$$eval('#anomalies li', (lis) => lis.map((li) => li.dataset.keyId));
      assert.ok(!anomalyKeys.includes(victim.id), 'no finding for the key that failed');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await sb.clearFaults();
    }
  });

  test('reconcile with my logs: a sandbox-emitted egress log set on the file input finds planted.json (screenshot saved)', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'keyscope-egress-'));
    try {
      execFileSync(sandboxPath(), ['--emit-logs', logs, '--now', NOW, '--seed', '42', '--log-days', '2'],
        { stdio: ['ignore', 'ignore', 'pipe'] });
      const planted = JSON.parse(readFileSync(join(logs, 'planted.json'), 'utf8'));
      const logFile = join(logs, planted.file);
      // No ?now=: the window ends on the API's clock, read from the sandbox's Date header.
      const { context, page, errors } = await openDashboard('/');
      await page.fill('#log-days', String(planted.log_days));
      // Timers keep firing while the file is read: the page stays responsive between chunks.
      await page.evaluate(() => { window.__ticks = 0; window.__timer = setInterval(() => { window.__ticks++; }, 0); });
      await page.setInputFiles('#log-file', logFile);
      await page.waitForSelector('#reconcile-section:is([data-state="done"], [data-state="error"])', { timeout: 120000 });
      assert.equal(await page.getAttribute('#reconcile-section', 'data-state'), 'done',
        await page.textContent('#reconcile-status'));
      const ticks = await page.evaluate(() => { clearInterval(window.__timer); return window.__ticks; });
      const progressEvents = Number(await page.getAttribute('#reconcile-section', 'data-progress-events'));
      const size = statSync(logFile).size;
      assert.ok(progressEvents >= Math.floor(size / (1 << 20)), `${progressEvents} progress events for ${size} bytes`);
      assert.ok(ticks > 0, 'no timer ran while the log was read');
      assert.equal(await page.$eval('#reconcile-progress', (p) => p.value), 1);

      const perDay = ['api_exceeds_logs', 'logs_exceed_api'];
      const expected = planted.incidents.flatMap((i) => (perDay.includes(i.kind) ? i.days : [i.days.slice().sort()[0]])
        .map((day) => `${i.kind} ${i.key_prefix} ${day}`)).sort();
      const rows = await page.$$eval('#reconcile-findings tbody tr', (trs) => trs.map((tr) => ({
        kind: tr.dataset.kind, prefix: tr.dataset.keyPrefix, day: tr.dataset.day, severity: tr.dataset.severity,
        text: tr.textContent })));
      assert.deepEqual(rows.map((r) => `${r.kind} ${r.prefix} ${r.day}`).sort(), expected);
      assert.deepEqual([...new Set(rows.map((r) => r.kind))].sort(),
        [...new Set(planted.incidents.map((i) => i.kind))].sort());
      assert.equal(rows[0].severity, 'critical');
      const keyRows = await page.$$eval('#reconcile-keys tbody tr', (trs) => trs.length);
      assert.ok(keyRows >= 10, `${keyRows} per-key rows`);
      const panel = await page.textContent('#reconcile-section');
      assert.equal(/sk_(live|test)_[A-Za-z0-9]{13,}/.test(panel), false, 'a full secret key on the page');

      const shot = resolve(artifacts, 'dashboard-reconcile.png');
      await page.locator('#reconcile-section').screenshot({ path: shot });
      assert.ok(existsSync(shot) && statSync(shot).size > 10000);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      rmSync(logs, { recursive: true, force: true });
    }
  });

  test('without a session the dashboard shows an AuthenticationError', async () => {
    await assertSignedOutPageShowsAuthenticationError(browser, sb.origin);
  });
});
