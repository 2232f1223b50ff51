import { loadConvergenceConfig, replayCommand } from '../support/convergence/config.js';
import { calibrate, runSeed, type SeedSummary } from '../support/convergence/run-seed.js';
import { startWorld, stopWorld, type World } from '../support/convergence/world.js';

/**
 * Seeded, bounded, randomized convergence test of the two-way sync (local catalog <-> Stripe <-> Salesforce), black
 * box: the app's GraphQL API, Stripe through its API as a person in the dashboard, Salesforce through its UI
 * helper, faults injected into the emulators. See tests/support/convergence/run-seed.ts for the phases and
 * checker.ts for what "converged" means.
 *
 *   npm test -- tests/integration/convergence.test.ts          seeds 1,2,3, 30 operations each
 *   CONVERGENCE_SEEDS=1-50 CONVERGENCE_OPS=60 npm run test:convergence
 *   CONVERGENCE_SEEDS=random:20 npm run test:convergence        20 fresh seeds (printed)
 *   CONVERGENCE_SEEDS=17 npm run test:convergence               replay seed 17
 *
 * Seeds share one app (their records carry distinct tags) until one fails or CONVERGENCE_SEEDS_PER_APP have run;
 * then the next seed gets a fresh app and emulators, so a failure cannot leak into later seeds.
 */
const cfg = loadConvergenceConfig();

describe('two-way sync converges under random concurrent edits on all three sides and provider faults', () => {
  let world: World | undefined;
  const summaries: SeedSummary[] = [];

  afterAll(async () => {
    await stopWorld(world);
    if (summaries.length > 0) {
      process.stdout.write(
        `convergence: ${summaries.length} seed(s) passed, ${cfg.ops} ops each\n${summaries.map(line).join('\n')}\n`,
      );
    }
  });

  it.each(cfg.seeds)(
    'seed %i',
    async (seed) => {
      if (!world || world.dirty || world.seedsRun >= cfg.seedsPerApp) {
        await stopWorld(world);
        world = undefined;
        world = await startWorld();
        await calibrate(world, cfg);
      }
      world.seedsRun += 1;
      try {
        summaries.push(await runSeed(world, seed, cfg));
      } catch (err) {
        world.dirty = true;
        if (err instanceof Error && !err.message.includes('replay:')) {
          err.message = `seed ${seed} (replay: ${replayCommand(seed, cfg)}): ${err.message}`;
        }
        throw err;
      }
    },
    cfg.seedTimeoutMs,
  );
});

function line(s: SeedSummary): string {
  const p = s.phases;
  return (
    `  seed ${s.seed}: ${(s.totalMs / 1000).toFixed(1)} s (ops ${p.ops} ms, settle ${p.settle} ms, seal ${p.seal} ms, ` +
    `barrier ${p.barrier} ms); ${s.ops} ops, ${s.opsFailed} answered with an error; ${s.customers} customers, ` +
    `${s.deleted} deleted, ${s.seals} sealed`
  );
}
