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
  const tbody = $('#keys tbody');
  tbody.replaceChildren(...state.fleet.keys.map((key) => {
    const row = byId.get(key.id);
    const status = key.revoked_at ? 'revoked' : key.expires_at && key.expires_at < now ? 'expired' : 'active';
    const tr = el('tr', { 'data-key-id': key.id, class: status === 'revoked' ? 'revoked' : '' },
      el('td', { class: 'name' }, key.name),
      el('td', {}, el('code', {}, key.key_prefix)),
      el('td', {}, row?.environment ?? '—'),
      el('td', {}, key.tier),
      el('td', { class: 'num' }, row ? fmtInt.format(row.request_count) : '—'),
      el('td', { class: 'num' }, row ? fmtPct.format(row.error_rate) : '—'),
      el('td', {}, row?.last_activity ?? key.last_used_at ?? 'never'),
      el('td', {}, status));
    if (!key.revoked_at) tr.addEventListener('click', () => selectKey(key.id));
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
  const findings = detectAnomalies({ keys: state.fleet.keys, usages: state.fleet.usages, now });
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

async function load() {
  const days = Number($('#days').value);
  setStatus('Loading…', 'loading');
  const started = performance.now();
  state.fleet = await state.client.fetchFleet({ days, concurrency: 8 });
  state.rows = usageByKey(state.fleet);
  renderKeys();
  renderAnomalies();
  renderChargeback();
  if (state.rows.length) selectKey(state.selected && state.rows.some((r) => r.key_id === state.selected)
    ? state.selected : state.rows[0].key_id);
  const ms = Math.round(performance.now() - started);
  setStatus(`${state.fleet.keys.length} keys · ${days} days · loaded in ${ms} ms`, 'ready');
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
    await load();
  } catch (error) {
    showError(error);
    document.body.dataset.ready = 'error';
  }
}

main();
