// Pure figures over samples: percentiles, means, and rates over time windows.

/** Nearest-rank percentile (p in 0..100) of `xs`; 0 for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export const median = (xs: readonly number[]): number => percentile(xs, 50);

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * The rate a backlog was worked off at, from arrival times (ms, any order): the calls arriving in each window [t, t + windowMs) that
 * starts at a call; peak over all of them, sustained the median of those starting a window after the first call
 * and ending a window before the last (ramp-up and tail left out). Per second.
 */
export function arrivalRates(
  times: readonly number[],
  windowMs = 1000,
): { sustained: number; peak: number; peakAfterMs: number } {
  const t = [...times].sort((a, b) => a - b);
  if (t.length < 2) return { sustained: 0, peak: 0, peakAfterMs: 0 };
  const counts: Array<{ at: number; n: number }> = [];
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    if (j < i) j = i;
    while (j < t.length && t[j]! < t[i]! + windowMs) j++;
    counts.push({ at: t[i]!, n: j - i });
  }
  const perSecond = (n: number) => (n * 1000) / windowMs;
  const top = counts.reduce((a, b) => (b.n > a.n ? b : a));
  const peak = perSecond(top.n);
  const first = t[0]!;
  const peakAfterMs = top.at - first;
  const last = t[t.length - 1]!;
  const inner = counts.filter((c) => c.at >= first + windowMs && c.at + windowMs <= last - windowMs);
  if (inner.length === 0) return { sustained: ((t.length - 1) * 1000) / Math.max(1, last - first), peak, peakAfterMs };
  return { sustained: perSecond(median(inner.map((c) => c.n))), peak, peakAfterMs };
}

/** Median of the last third over the median of the first third: 1.0 is flat. */
export function growth(xs: readonly number[]): number {
  if (xs.length < 3) return 1;
  const third = Math.floor(xs.length / 3);
  const head = median(xs.slice(0, third));
  return head === 0 ? 1 : median(xs.slice(xs.length - third)) / head;
}
