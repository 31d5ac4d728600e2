// What a dashboard author writes instead of using keyscope: fetch + JSON.parse, no checks.
// The same module runs in Node and in the benchmark's Chromium page. `fetchImpl`: the fetch to
// use (the benchmark's CPU comparisons answer from memory).

/** One key's usage. */
export async function getUsage(base, init, keyId, days, fetchImpl = fetch) {
  const response = await fetchImpl(`${base}/api/v1/keys/${keyId}/usage?days=${days}`, init);
  return (await response.json()).data;
}

/**
 * One key's usage as a careful author writes it: with a timeout (keyscope's calls always have one,
 * 30 s by default), which in fetch() takes an AbortSignal.
 */
export async function getUsageWithTimeout(base, init, keyId, days, timeoutMs = 30000, fetchImpl = fetch) {
  const response = await fetchImpl(`${base}/api/v1/keys/${keyId}/usage?days=${days}`,
    { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return (await response.json()).data;
}

/** The key list plus every active key's usage, `concurrency` requests in flight. */
export async function fetchFleet(base, init, days, concurrency, fetchImpl = fetch) {
  const keys = (await (await fetchImpl(`${base}/api/v1/keys`, init)).json()).data;
  const active = keys.filter((key) => !key.revoked_at);
  const usages = new Array(active.length);
  let next = 0;
  const worker = async () => {
    while (next < active.length) {
      const i = next++;
      usages[i] = await getUsage(base, init, active[i].id, days, fetchImpl);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, active.length) }, worker));
  return { keys, usages, window_days: days };
}
