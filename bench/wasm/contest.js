// The side-by-side comparisons of bench.mjs: the same code runs in Node and in the Chromium page,
// so both report the same figures measured the same way.

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// Runs each contender `rounds` times, interleaved, after `warm` unmeasured rounds; medians (ms).
export async function sideBySide(contenders, rounds, warm) {
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

/**
 * One getUsage and a dashboard's whole load (key list + every usage, 8 in flight): hand-written
 * fetch + JSON.parse (`hand`, with `init` for its fetch) against a keyscope `client`.
 * Returns {usage: [hand ms, keyscope ms], fleet: [hand ms, keyscope ms]}.
 */
export async function compareCalls({ hand, client, base, init, keyId, usageRounds, fleetRounds, warm }) {
  const usage = await sideBySide([
    () => hand.getUsage(base, init, keyId, 90),
    () => client.getUsage(keyId, { days: 90 }),
  ], usageRounds, warm);
  const fleet = await sideBySide([
    () => hand.fetchFleet(base, init, 90, 8),
    () => client.fetchFleet({ days: 90, concurrency: 8 }),
  ], fleetRounds, Math.max(1, Math.floor(warm / 5)));
  return { usage, fleet };
}

/** The decode alone, warmed up, per call (ms): TextDecoder + JSON.parse against the package's. */
export function compareDecode(decode, bytes, rounds = 10000) {
  const perCall = (fn) => {
    for (let i = 0; i < 1000; i++) fn();
    const t = performance.now();
    for (let i = 0; i < rounds; i++) fn();
    return (performance.now() - t) / rounds;
  };
  return {
    parse: perCall(() => JSON.parse(new TextDecoder().decode(bytes))),
    decode: perCall(() => decode('usage', bytes)),
  };
}
