import { randomInt } from 'node:crypto';

/** Knobs of the convergence test, read from the environment once. */
export interface ConvergenceConfig {
  seeds: number[];
  /** Random operations per seed (CONVERGENCE_OPS). */
  ops: number;
  /** Operations in flight at once, at most. */
  maxInFlight: number;
  /** Pause between issuing two operations: 0..maxGapMs. */
  maxGapMs: number;
  /** How long a settle may take before the seed fails as "did not quiesce". */
  settleTimeoutMs: number;
  /** Quiet period: nothing changes on any side for this long (with everything SYNCED) before checking. */
  stableMs: number;
  /**
   * Quiet period after the last failed provider call (5xx, 429, dropped connection): longer than the app's hidden
   * redelivery delay of a failed inbound re-fetch (2 s). After Salesforce failures jsforce's own retry backoff is
   * added (see FailureClock).
   */
  errorQuietMs: number;
  /** Seeds run on one app before it is replaced by a fresh one (bounds logs and event lists). */
  seedsPerApp: number;
  /** Jest timeout of one seed. */
  seedTimeoutMs: number;
}

const MAX_SEED = 0xffffffff;

/**
 * `CONVERGENCE_SEEDS`: comma-separated items, each a seed (`42`), a range (`1-50`) or `random:N` (N fresh random
 * seeds, printed with the results so a failure can be replayed). Unset: 1,2,3.
 */
export function parseSeeds(spec: string | undefined): number[] {
  if (spec === undefined || spec.trim() === '') return [1, 2, 3];
  const seeds: number[] = [];
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const random = /^random:(\d+)$/.exec(item);
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (random) {
      for (let i = 0; i < Number(random[1]); i++) seeds.push(randomInt(1, 2 ** 31));
    } else if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from || to - from > 100_000) throw new Error(`CONVERGENCE_SEEDS: bad range ${item}`);
      for (let s = from; s <= to; s++) seeds.push(s);
    } else if (/^\d+$/.test(item)) {
      seeds.push(Number(item));
    } else {
      throw new Error(`CONVERGENCE_SEEDS: cannot read "${item}" (use 42, 1-50, 3,7,9 or random:20)`);
    }
  }
  for (const s of seeds) if (s > MAX_SEED) throw new Error(`CONVERGENCE_SEEDS: ${s} is not a 32-bit seed`);
  return [...new Set(seeds)];
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function loadConvergenceConfig(env: NodeJS.ProcessEnv = process.env): ConvergenceConfig {
  const ops = positiveInt(env, 'CONVERGENCE_OPS', 30);
  const settleTimeoutMs = positiveInt(env, 'CONVERGENCE_SETTLE_TIMEOUT_MS', 30_000);
  return {
    seeds: parseSeeds(env.CONVERGENCE_SEEDS),
    ops,
    maxInFlight: positiveInt(env, 'CONVERGENCE_MAX_IN_FLIGHT', 6),
    maxGapMs: positiveInt(env, 'CONVERGENCE_MAX_GAP_MS', 12),
    settleTimeoutMs,
    stableMs: positiveInt(env, 'CONVERGENCE_STABLE_MS', 800),
    errorQuietMs: positiveInt(env, 'CONVERGENCE_ERROR_QUIET_MS', 3000),
    seedsPerApp: Math.max(1, positiveInt(env, 'CONVERGENCE_SEEDS_PER_APP', 10)),
    // Three settles (random phase, seal, barrier) plus the operations themselves, with room to spare.
    seedTimeoutMs: 4 * settleTimeoutMs + ops * 200 + 30_000,
  };
}

/** How to run exactly this seed again. */
export function replayCommand(seed: number, cfg: ConvergenceConfig): string {
  return `CONVERGENCE_SEEDS=${seed} CONVERGENCE_OPS=${cfg.ops} npm run test:convergence`;
}
