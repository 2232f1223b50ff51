import { WriteGatherer } from '../../src/platform/write-gatherer.js';

/** A write the test finishes by hand, so batches can be observed while one is "at the provider". */
function heldWrites() {
  const batches: number[][] = [];
  const finish: Array<(err?: Error) => void> = [];
  const write = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items);
      finish.push((err) => (err ? reject(err) : resolve()));
    });
  return { batches, finish, write };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('WriteGatherer', () => {
  it('writes a lone change at once, and what arrives during a write as one batch after it', async () => {
    const w = heldWrites();
    const g = new WriteGatherer(w.write, 200, 0);
    const first = g.add([1]);
    await tick();
    expect(w.batches).toEqual([[1]]);
    const later = [g.add([2, 3]), g.add([4])];
    await tick();
    expect(w.batches).toHaveLength(1); // still waiting for the first call
    w.finish[0]!();
    await first;
    await tick();
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
    w.finish[1]!();
    await Promise.all(later);
  });

  it('never puts more than maxItems in a batch, and settles a caller only when all its items are written', async () => {
    const w = heldWrites();
    const g = new WriteGatherer(w.write, 3, 0);
    let settled = false;
    const big = g.add([1, 2, 3, 4, 5]).then(() => (settled = true));
    await tick();
    expect(w.batches).toEqual([[1, 2, 3]]);
    w.finish[0]!();
    await tick();
    await tick();
    expect(w.batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(settled).toBe(false);
    w.finish[1]!();
    await big;
    expect(settled).toBe(true);
  });

  it('fails every caller with an item in a failed batch, and goes on with the next', async () => {
    const w = heldWrites();
    const g = new WriteGatherer(w.write, 10, 0);
    const a = g.add([1]);
    await tick();
    const b = g.add([2]);
    const c = g.add([3]);
    w.finish[0]!(new Error('provider down'));
    await expect(a).rejects.toThrow('provider down');
    await tick();
    expect(w.batches[1]).toEqual([2, 3]);
    w.finish[1]!(new Error('again'));
    await expect(b).rejects.toThrow('again');
    await expect(c).rejects.toThrow('again');
    const d = g.add([4]);
    await tick();
    w.finish[2]!();
    await d;
    expect(w.batches[2]).toEqual([4]);
  });

  it('after a batch, lets a partial one linger for more writes; a full one goes at once', async () => {
    const w = heldWrites();
    const g = new WriteGatherer(w.write, 3, 60_000);
    const first = g.add([1]);
    await tick();
    const partial = g.add([2]);
    w.finish[0]!();
    await first;
    await tick();
    expect(w.batches).toEqual([[1]]); // [2] lingers (a minute here)
    const filling = g.add([3, 4]);
    await tick();
    expect(w.batches).toEqual([[1], [2, 3, 4]]); // full: no more lingering
    w.finish[1]!();
    await Promise.all([partial, filling]);
  });

  it('runs up to maxInFlight batches at once, the next one as soon as one ends', async () => {
    const w = heldWrites();
    const g = new WriteGatherer(w.write, 2, 0, 2);
    const all = g.add([1, 2, 3, 4, 5]);
    await tick();
    await tick(); // (each batch starts on a timer of its own)
    expect(w.batches).toEqual([
      [1, 2],
      [3, 4],
    ]); // two at once; the fifth waits for a free slot
    w.finish[1]!();
    await tick();
    await tick();
    expect(w.batches).toEqual([[1, 2], [3, 4], [5]]);
    w.finish[0]!();
    w.finish[2]!();
    await all;
  });
});
