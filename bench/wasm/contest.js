// The side-by-side comparisons of bench.mjs: the same code runs in Node and in the Chromium page,
// so both report the same figures measured the same way.

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// Runs each contender `rounds` times, interleaved, after `warm` unmeasured rounds; medians (ms).
export function sideBySide(contenders, rounds, warm) {
  return blocksSideBySide(contenders, rounds, 1, warm);
}

/**
 * As sideBySide, but each measurement is a block of `perBlock` calls in a row (ms per call): a
 * page's clock is coarse (Chromium clamps performance.now() to 100 µs without cross-origin
 * isolation), so a single call that takes less than that would read as 0 or 100 µs. `between`
 * runs before each block, outside the timing.
 */
export async function blocksSideBySide(contenders, blocks, perBlock, warm, between = () => {}) {
  const times = contenders.map(() => []);
  for (let b = 0; b < warm + blocks; b++) {
    for (let c = 0; c < contenders.length; c++) {
      between();
      const t = performance.now();
      for (let i = 0; i < perBlock; i++) await contenders[c]();
      if (b >= warm) times[c].push((performance.now() - t) / perBlock);
    }
  }
  return times.map(median);
}

/**
 * A fetch that answers every request from memory with `bytes` (the same response headers as the
 * sandbox's usage call): the contenders' CPU without the network.
 */
export function memoryUsageFetch(bytes) {
  const headers = {
    'content-type': 'application/json', 'x-request-id': 'req_0123456789abcdef',
    'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '999', 'x-ratelimit-reset': '1790000000',
  };
  return async () => new Response(bytes, { status: 200, headers });
}

/**
 * One getUsage and a dashboard's whole load (key list + every usage, 8 in flight): hand-written
 * fetch + JSON.parse (`hand`, with `init` for its fetch) against a keyscope `client`.
 * Returns {usage: [hand ms, keyscope ms, hand with a timeout signal ms], fleet: [hand ms, keyscope ms]}.
 */
export async function compareCalls({ hand, client, base, init, keyId, usageRounds, fleetRounds, warm }) {
  const usage = await sideBySide([
    () => hand.getUsage(base, init, keyId, 90),
    () => client.getUsage(keyId, { days: 90 }),
    () => hand.getUsageWithTimeout(base, init, keyId, 90),
  ], usageRounds, warm);
  const fleet = await sideBySide([
    () => hand.fetchFleet(base, init, 90, 8),
    () => client.fetchFleet({ days: 90, concurrency: 8 }),
  ], fleetRounds, Math.max(1, Math.floor(warm / 5)));
  return { usage, fleet };
}

/**
 * The decode alone, warmed up, per call (ms): TextDecoder + JSON.parse against the package's.
 * The two alternate in blocks (the median block of each), so that a machine busy for a moment
 * slows both rather than one.
 */
export function compareDecode(decode, bytes, rounds = 10000, blocks = 20) {
  const contenders = [() => JSON.parse(new TextDecoder().decode(bytes)), () => decode('usage', bytes)];
  for (const fn of contenders) for (let i = 0; i < 1000; i++) fn();
  const perBlock = Math.ceil(rounds / blocks);
  const times = contenders.map(() => []);
  for (let b = 0; b < blocks; b++) {
    contenders.forEach((fn, c) => {
      const t = performance.now();
      for (let i = 0; i < perBlock; i++) fn();
      times[c].push((performance.now() - t) / perBlock);
    });
  }
  const [parse, decoded] = times.map(median);
  return { parse, decode: decoded };
}

/**
 * The package's own CPU cost per getUsage, with the network taken out: both contenders get the
 * same 90-day body from a fetch that answers from memory. Returns [hand ms, keyscope ms].
 */
export async function compareOverhead(ks, bytes, keyId, rounds = 3000, perBlock = 50) {
  const memoryFetch = memoryUsageFetch(bytes);
  const base = 'https://api.example.test';
  const client = await ks.createClient({ baseUrl: base, fetch: memoryFetch, credentials: 'omit' });
  try {
    return await blocksSideBySide([
      async () => (await (await memoryFetch(`${base}/api/v1/keys/${keyId}/usage?days=90`)).json()).data,
      () => client.getUsage(keyId, { days: 90 }),
    ], Math.ceil(rounds / perBlock), perBlock, Math.ceil(300 / perBlock));
  } finally {
    client.close();
  }
}

/**
 * The package's own CPU cost per fetchFleet, network taken out: the key list (`listBytes`) and
 * every active key's usage (`usageBytes`, its key_id left as it is) from a fetch that answers from
 * memory, 8 in flight. Returns [hand ms, keyscope ms].
 */
export async function compareFleetOverhead(ks, hand, listBytes, usageBytes, rounds = 300, perBlock = 10) {
  const headers = { 'content-type': 'application/json', 'x-request-id': 'req_0123456789abcdef' };
  const memoryFetch = async (url) => new Response(/\/usage\?/.test(String(url)) ? usageBytes : listBytes,
    { status: 200, headers });
  const base = 'https://api.example.test';
  const client = await ks.createClient({ baseUrl: base, fetch: memoryFetch, credentials: 'omit' });
  try {
    return await blocksSideBySide([
      () => hand.fetchFleet(base, {}, 90, 8, memoryFetch),
      () => client.fetchFleet({ days: 90, concurrency: 8 }),
    ], Math.ceil(rounds / perBlock), perBlock, Math.ceil(30 / perBlock));
  } finally {
    client.close();
  }
}
