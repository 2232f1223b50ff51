import { settleWithin } from '../../src/platform/concurrency.js';

/** A promise with its resolve/reject in hand: the test decides when each call answers. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('settleWithin', () => {
  it('returns every result in order once all settle, running at most `limit` at once', async () => {
    let running = 0;
    let most = 0;
    const out = await settleWithin([1, 2, 3, 4, 5], 2, 10_000, async (n) => {
      running++;
      most = Math.max(most, running);
      await Promise.resolve();
      running--;
      if (n === 3) throw new Error('three');
      return n * 10;
    });
    expect(most).toBe(2);
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(out[0]).toEqual({ status: 'fulfilled', value: 10 });
    expect((out[2] as PromiseRejectedResult).reason).toEqual(new Error('three'));
  });

  it('hands back what has not settled by the deadline as its promise, which still settles', async () => {
    const slow = deferred<string>();
    const failing = deferred<string>();
    const calls = new Map([
      ['fast', () => Promise.resolve('fast done')],
      ['slow', () => slow.promise],
      ['failing', () => failing.promise],
    ]);
    const out = await settleWithin(['fast', 'slow', 'failing'], 3, 20, (k) => calls.get(k)!());
    expect(out[0]).toEqual({ status: 'fulfilled', value: 'fast done' });
    expect(out[1]!.status).toBe('pending');
    expect(out[2]!.status).toBe('pending');
    slow.resolve('slow done');
    failing.reject(new Error('late failure'));
    await expect((out[1] as { promise: Promise<string> }).promise).resolves.toBe('slow done');
    await expect((out[2] as { promise: Promise<string> }).promise).rejects.toThrow('late failure');
  });

  it('a pending call that rejects after the deadline with no one awaiting it is not an unhandled rejection', async () => {
    const late = deferred<string>();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const [out] = await settleWithin(['x'], 1, 10, () => late.promise);
      expect(out!.status).toBe('pending');
      late.reject(new Error('nobody listens'));
      // Past the microtask turns in which Node reports an unhandled rejection.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('starts a call that waited for a slot after the deadline, when a slot frees', async () => {
    const first = deferred<number>();
    const started: number[] = [];
    const out = await settleWithin([1, 2], 1, 20, (n) => {
      started.push(n);
      return n === 1 ? first.promise : Promise.resolve(n);
    });
    expect(started).toEqual([1]);
    expect(out.map((o) => o.status)).toEqual(['pending', 'pending']);
    first.resolve(1);
    await expect((out[1] as { promise: Promise<number> }).promise).resolves.toBe(2);
    expect(started).toEqual([1, 2]);
  });
});
