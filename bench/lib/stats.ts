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

/** A running count sampled at time `t` (ms). */
export interface Sample {
  t: number;
  n: number;
}

/**
 * Rates (per second) over every window of at least `windowMs` that starts at a sample, ending at the first sample
 * that far away: what a `windowMs` sliding window saw at the sampling resolution.
 */
export function windowRates(samples: readonly Sample[], windowMs: number): number[] {
  const rates: number[] = [];
  let j = 0;
  for (let i = 0; i < samples.length; i++) {
    const start = samples[i]!;
    if (j <= i) j = i + 1;
    while (j < samples.length && samples[j]!.t - start.t < windowMs) j++;
    const end = samples[j];
    if (!end) break;
    rates.push(((end.n - start.n) / (end.t - start.t)) * 1000);
  }
  return rates;
}

/**
 * The rate a backlog was worked off at: the median 1 s window rate between the first and the last increase of the
 * count, leaving out the first and last second (ramp-up and the tail, when the backlog no longer fills the
 * pipeline); the peak window over the whole run. With under 3 s of activity, the average over it.
 */
export function sustainedRate(samples: readonly Sample[], windowMs = 1000): { sustained: number; peak: number } {
  const first = samples.findIndex((s, i) => i > 0 && s.n > samples[i - 1]!.n);
  let last = -1;
  for (let i = samples.length - 1; i > 0; i--) {
    if (samples[i]!.n > samples[i - 1]!.n) {
      last = i;
      break;
    }
  }
  if (first < 1 || last < first) return { sustained: 0, peak: 0 };
  const active = samples.slice(first - 1, last + 1);
  const peak = Math.max(0, ...windowRates(active, windowMs));
  const t0 = active[0]!.t;
  const t1 = active[active.length - 1]!.t;
  if (t1 - t0 < 3 * windowMs) {
    return { sustained: ((active[active.length - 1]!.n - active[0]!.n) / (t1 - t0)) * 1000, peak };
  }
  const inner = active.filter((s) => s.t >= t0 + windowMs && s.t <= t1 - windowMs);
  return { sustained: median(windowRates(inner, windowMs)), peak };
}

/** Median of the last third over the median of the first third: 1.0 is flat. */
export function growth(xs: readonly number[]): number {
  if (xs.length < 3) return 1;
  const third = Math.floor(xs.length / 3);
  const head = median(xs.slice(0, third));
  return head === 0 ? 1 : median(xs.slice(xs.length - third)) / head;
}
