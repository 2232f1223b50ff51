export type Outcome<R> = PromiseSettledResult<R> | { status: 'pending'; promise: Promise<R> };

/**
 * `fn` over every item, at most `limit` at once, waiting at most `waitMs` for them all: each item's result in the
 * items' order, or, for one not settled by then, its promise (an item not started yet still starts when a slot
 * frees). A pending promise that rejects later is not an unhandled rejection; its holder sees the rejection.
 */
export async function settleWithin<T, R>(
  items: readonly T[],
  limit: number,
  waitMs: number,
  fn: (item: T) => Promise<R>,
): Promise<Outcome<R>[]> {
  const settled: Array<PromiseSettledResult<R> | undefined> = new Array(items.length);
  const slots: Array<() => void> = [];
  let running = 0;
  const acquire = async () => {
    if (running < limit) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => slots.push(resolve));
  };
  const release = () => {
    const next = slots.shift();
    if (next) next();
    else running--;
  };
  const promises = items.map(async (item, i) => {
    await acquire();
    try {
      const value = await fn(item);
      settled[i] = { status: 'fulfilled', value };
      return value;
    } catch (reason) {
      settled[i] = { status: 'rejected', reason };
      throw reason;
    } finally {
      release();
    }
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises), // (also handles each promise: a late rejection nobody awaits is not unhandled)
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    }),
  ]);
  clearTimeout(timer);
  return promises.map((promise, i) => settled[i] ?? { status: 'pending', promise });
}
