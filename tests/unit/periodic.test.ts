import { expectEventually } from '../support/eventually.js';
import { every } from '../../src/platform/periodic.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('every', () => {
  it('never runs the task twice at once, and stop() waits for the run under way', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    let finished = 0;
    const timer = every(
      5,
      async () => {
        runs += 1;
        most = Math.max(most, ++active);
        await sleep(30); // six ticks come while it runs
        active -= 1;
        finished += 1;
      },
      () => undefined,
    );
    await expectEventually(() => runs >= 3);
    await timer.stop();
    expect(most).toBe(1);
    expect(finished).toBe(runs); // nothing left running after stop()
    await sleep(30);
    expect(runs).toBe(finished); // and nothing started after it
  });

  it('hands a failed run to onError and runs again on time; `now` runs first at once', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const timer = every(
      10,
      () => {
        runs += 1;
        return Promise.reject(new Error(`run ${runs}`));
      },
      (error) => errors.push(error),
      { now: true },
    );
    expect(runs).toBe(1);
    await expectEventually(() => runs >= 3);
    await timer.stop();
    expect(errors.map((e) => (e as Error).message)).toEqual(Array.from({ length: runs }, (_, i) => `run ${i + 1}`));
  });
});
