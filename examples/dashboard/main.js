// keyscope dashboard: the npm package in a page, authenticated by the browser's own
// sb-access-token cookie (fetch credentials 'include'); no token ever reaches this script.
import {
  createClient, usageByKey, detectAnomalies, chargeback, gapFill, version,
  AuthenticationError, KeyscopeError,
} from 'keyscope';
import uPlot from 'uplot';

const $ = (selector) => document.querySelector(selector);
const params = new URLSearchParams(location.search);
// ?api=<base URL> to point at another server (it must allow this origin with credentials);
// ?now=<ISO timestamp> to evaluate anomalies at a pinned time (the sandbox's --now).
const baseUrl = params.get('api') ?? location.origin;
const now = params.get('now') ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
// The reconciliation's window ends on the API's clock (its Date header) unless ?now= pins it.
const pinnedNow = params.get('now') ?? undefined;

const state = { client: null, fleet: null, rows: [], chart: null, selected: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const child of children) node.append(child ?? '');
  return node;
}

const fmtInt = new Intl.NumberFormat('en-US');
const fmtPct = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 2 });

function setStatus(text, stateName = 'ok') {
  const status = $('#status');
  status.textContent = text;
  status.dataset.state = stateName;
}

function showError(error) {
  const box = $('#error');
  box.hidden = false;
  box.dataset.type = error?.name ?? 'Error';
  box.replaceChildren(el('strong', {}, `${error?.name ?? 'Error'}: `), error?.message ?? String(error));
  if (error instanceof AuthenticationError) {
    box.append(' — sign in first (the sandbox: /__sandbox/login?token=…&next=/).');
  }
  setStatus(error instanceof KeyscopeError ? `failed (${error.name})` : 'failed', 'error');
}

function renderKeys() {
  const byId = new Map(state.rows.map((r) => [r.key_id, r]));
  // Keys whose usage failed (fetchFleet onError 'collect'): listed, marked with their error.
  const failed = new Map(state.fleet.errors.map((e) => [e.key_id, e.error]));
  const tbody = $('#keys tbody');
  tbody.replaceChildren(...state.fleet.keys.map((key) => {
    const row = byId.get(key.id);
    const error = failed.get(key.id);
    const status = key.revoked_at ? 'revoked' : key.expires_at && key.expires_at < now ? 'expired' : 'active';
    const statusCell = error
      ? el('td', {}, el('span', { class: 'badge failed', title: error.message }, `failed: ${error.name}`))
      : el('td', {}, status);
    const attrs = { 'data-key-id': key.id, class: error ? 'failed' : status === 'revoked' ? 'revoked' : '' };
    if (error) attrs['data-error'] = error.name;
    const tr = el('tr', attrs,
      el('td', { class: 'name' }, key.name),
      el('td', {}, el('code', {}, key.key_prefix)),
      el('td', {}, row?.environment ?? '—'),
      el('td', {}, key.tier),
      el('td', { class: 'num' }, row ? fmtInt.format(row.request_count) : '—'),
      el('td', { class: 'num' }, row ? fmtPct.format(row.error_rate) : '—'),
      el('td', {}, row?.last_activity ?? key.last_used_at ?? 'never'),
      statusCell);
    if (!key.revoked_at && !error) tr.addEventListener('click', () => selectKey(key.id));
    return tr;
  }));
  const select = $('#chart-key');
  select.replaceChildren(...state.rows.map((r) => el('option', { value: r.key_id }, `${r.name} (${r.prefix})`)));
}

function selectKey(keyId) {
  state.selected = keyId;
  $('#chart-key').value = keyId;
  for (const tr of document.querySelectorAll('#keys tbody tr')) {
    tr.classList.toggle('selected', tr.dataset.keyId === keyId);
  }
  const usage = state.fleet.usages.find((u) => u.key_id === keyId);
  if (!usage) return;
  // The API omits zero days: fill them so the chart has one point per day, oldest first.
  const endDate = now.slice(0, 10);
  const daily = gapFill({ daily: usage.daily, window_days: state.fleet.window_days, end_date: endDate })
    .slice().sort((a, b) => (a.date < b.date ? -1 : 1));
  const xs = daily.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
  const data = [xs, daily.map((d) => d.requests), daily.map((d) => d.errors)];
  const chartBox = $('#chart');
  chartBox.dataset.keyId = keyId;
  chartBox.dataset.points = String(xs.length);
  const width = Math.max(320, chartBox.clientWidth || 800);
  if (state.chart) state.chart.destroy();
  state.chart = new uPlot({
    width, height: 260,
    series: [
      {},
      { label: 'requests', stroke: '#1a73e8', fill: '#1a73e822', width: 2 },
      { label: 'errors', stroke: '#d93025', width: 2 },
    ],
    axes: [{}, { size: 70 }],
  }, data, chartBox);
}

function renderAnomalies() {
  // The helpers leave the keys listed in `errors` out: no false "never used" for a failed key.
  const findings = detectAnomalies({ ...state.fleet, now });
  $('#anomaly-count').textContent = `(${findings.length})`;
  $('#anomalies').replaceChildren(...findings.map((f) => el('li',
    { 'data-kind': f.kind, 'data-severity': f.severity, 'data-key-id': f.key_id },
    el('span', { class: 'kind' }, f.kind.replaceAll('_', ' ')),
    el('span', { class: 'key' }, `${f.key_name} (${f.key_prefix})`),
    el('div', { class: 'reason' }, f.reason ?? ''))));
}

function renderChargeback() {
  const tbody = $('#chargeback tbody');
  try {
    const rows = chargeback({
      rows: state.rows, bill: $('#bill').value.trim(),
      mapping: { name_pattern: $('#pattern').value },
    });
    tbody.replaceChildren(...rows.map((r) => el('tr', { 'data-cost-center': r.cost_center },
      el('td', {}, r.cost_center),
      el('td', { class: 'num' }, String(r.keys)),
      el('td', { class: 'num' }, fmtInt.format(r.requests)),
      el('td', { class: 'num' }, fmtPct.format(r.share)),
      el('td', { class: 'num' }, r.cost))));
  } catch (error) {
    tbody.replaceChildren(el('tr', {}, el('td', { colSpan: 5, class: 'error' }, `${error.name}: ${error.message}`)));
  }
}

// ---- reconcile with my logs: a dropped file, read in chunks by the core, never uploaded

const fmtMB = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
let reconcileRun = null; // the AbortController of the read in progress

async function reconcileFile(file) {
  reconcileRun?.abort();
  const controller = new AbortController();
  reconcileRun = controller;
  const section = $('#reconcile-section');
  const progress = $('#reconcile-progress');
  const status = $('#reconcile-status');
  section.dataset.state = 'reading';
  section.dataset.progressEvents = '0';
  $('#reconcile-progress-row').hidden = false;
  $('#reconcile-cancel').hidden = false;
  progress.value = 0;
  status.textContent = `Fetching the API's usage, then reading ${file.name} (${fmtMB(file.size)})…`;
  const started = performance.now();
  try {
    const format = $('#log-format').value;
    const tolerance = $('#tolerance').value.trim(); // "2%" or 0.02
    const result = await state.client.reconcile({
      logs: file, // a File: read slice by slice, with a yield to the page between chunks
      days: Number($('#log-days').value),
      now: pinnedNow,
      format,
      nginxFormat: format === 'nginx' ? $('#nginx-format').value : undefined,
      tolerance: tolerance.endsWith('%') || !tolerance ? tolerance || undefined : Number(tolerance),
      signal: controller.signal,
      onProgress: ({ bytesRead, totalBytes }) => {
        section.dataset.progressEvents = String(Number(section.dataset.progressEvents) + 1);
        progress.value = totalBytes ? bytesRead / totalBytes : 0;
        status.textContent = `Reading ${file.name}: ${fmtMB(bytesRead)}${totalBytes ? ` of ${fmtMB(totalBytes)}` : ''}`;
      },
    });
    renderReconciliation(result);
    const critical = result.findings.filter((f) => f.severity === 'critical').length;
    status.textContent = `${file.name}: ${result.findings.length} findings (${critical} critical) · ` +
      `${result.window_days} days · read in ${Math.round(performance.now() - started)} ms`;
    section.dataset.state = 'done';
  } catch (error) {
    status.textContent = `${error.name}: ${error.message}`;
    section.dataset.state = error.name === 'CancelledError' ? 'cancelled' : 'error';
  } finally {
    if (reconcileRun === controller) {
      reconcileRun = null;
      $('#reconcile-cancel').hidden = true;
    }
  }
}

function renderReconciliation(r) {
  $('#reconcile-totals').textContent = r.findings.length
    ? `API: ${fmtInt.format(r.api_requests)} requests · your logs: ${fmtInt.format(r.log_requests)} requests · ` +
      `a day agrees within ${fmtPct.format(r.tolerance)} or ${r.min_diff} requests`
    : `No discrepancy: every key agrees with your logs on every day (API ${fmtInt.format(r.api_requests)}, ` +
      `logs ${fmtInt.format(r.log_requests)} requests).`;
  $('#reconcile-findings').hidden = false;
  $('#reconcile-findings tbody').replaceChildren(...r.findings.map((f) => el('tr', {
    'data-kind': f.kind, 'data-severity': f.severity, 'data-key-prefix': f.key_prefix, 'data-day': f.day ?? '',
  },
  el('td', {}, f.severity),
  el('td', { class: 'kind' }, f.kind.replaceAll('_', ' ')),
  el('td', {}, f.key_name ? `${f.key_name} ` : '', el('code', {}, f.key_prefix)),
  el('td', {}, f.day ?? '—'),
  el('td', { class: 'num' }, fmtInt.format(f.api_requests)),
  el('td', { class: 'num' }, fmtInt.format(f.log_requests)),
  el('td', { class: 'reason' }, f.reason))));
  $('#reconcile-keys-title').hidden = false;
  $('#reconcile-keys').hidden = false;
  $('#reconcile-keys tbody').replaceChildren(...r.keys.map((k) => el('tr', { 'data-key-id': k.key_id },
    el('td', {}, k.key_name),
    el('td', {}, el('code', {}, k.key_prefix)),
    el('td', { class: 'num' }, fmtInt.format(k.api_requests)),
    el('td', { class: 'num' }, fmtInt.format(k.log_requests)),
    el('td', { class: 'num' }, `${k.days_agreeing}/${k.days_compared}`),
    el('td', { class: 'num' }, k.drift === null ? '—' : `${k.drift >= 0 ? '+' : ''}${fmtPct.format(k.drift)}`))));
}

function setUpReconcile() {
  const input = $('#log-file');
  input.addEventListener('change', () => {
    if (input.files?.[0]) reconcileFile(input.files[0]);
  });
  const zone = $('#dropzone');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer?.files?.[0];
    if (file) reconcileFile(file);
  });
  $('#reconcile-cancel').addEventListener('click', () => reconcileRun?.abort());
}

async function load() {
  const days = Number($('#days').value);
  setStatus('Loading…', 'loading');
  const started = performance.now();
  // One key that fails does not blank the page: the others render, the failure is marked.
  state.fleet = await state.client.fetchFleet({ days, concurrency: 8, onError: 'collect' });
  state.rows = usageByKey(state.fleet);
  renderKeys();
  renderAnomalies();
  renderChargeback();
  if (state.rows.length) selectKey(state.selected && state.rows.some((r) => r.key_id === state.selected)
    ? state.selected : state.rows[0].key_id);
  const ms = Math.round(performance.now() - started);
  const failedNote = state.fleet.errors.length ? ` · ${state.fleet.errors.length} failed` : '';
  setStatus(`${state.fleet.keys.length} keys${failedNote} · ${days} days · loaded in ${ms} ms`, 'ready');
  document.body.dataset.ready = 'true';
}

async function main() {
  $('#origin').textContent = baseUrl;
  try {
    state.client = await createClient({ baseUrl, credentials: 'include' });
    $('#version').textContent = version();
    $('#days').addEventListener('change', () => load().catch(showError));
    $('#chart-key').addEventListener('change', (e) => selectKey(e.target.value));
    $('#chargeback-form').addEventListener('submit', (e) => { e.preventDefault(); renderChargeback(); });
    setUpReconcile();
    await load();
  } catch (error) {
    showError(error);
    document.body.dataset.ready = 'error';
  }
}

main();
