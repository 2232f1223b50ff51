/**
 * Gathers writes from several callers (the partitions a worker consumes concurrently) into full provider batches.
 * Nothing waits while the provider is idle: the first write goes out at once. While a batch is being written, new
 * writes wait; when it ends they go out together, up to `maxItems`, after at most `lingerMs` more for the batch to
 * fill. So one change alone is written immediately, and a burst fills whole batches (Salesforce counts every call
 * against the org's daily allocation, whatever it carries: 1 record or 200).
 *
 * `maxInFlight` batches may be written at once (default 1): a provider whose "batch" is requests side by side
 * (Stripe) keeps its rate limit busy while one batch waits for its slowest reply.
 *
 * `add` resolves once every item it passed was written (its batch's `write` resolved), and rejects if a batch
 * holding any of them failed, so the caller (a partition) commits its offsets only after its writes.
 */
export class WriteGatherer<T> {
  private waiting: Array<{ item: T; caller: Caller }> = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private firstWaitingAt = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxItems: number,
    private readonly lingerMs: number,
    private readonly maxInFlight = 1,
  ) {}

  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const caller = new Caller(items.length);
    if (this.waiting.length === 0) this.firstWaitingAt = Date.now();
    for (const item of items) this.waiting.push({ item, caller });
    this.schedule(false);
    return caller.promise;
  }

  private schedule(afterBatch: boolean): void {
    if (this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    const full = this.waiting.length >= this.maxItems;
    // A lingering batch that has filled up goes now.
    if (this.timer && full) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.timer) return;
    // Idle: now (after this turn, so callers adding in the same turn share the call). Just finished a batch:
    // a full one now, a partial one once it has waited `lingerMs` (counted from its first write's arrival).
    const wait = !afterBatch || full ? 0 : Math.max(0, this.firstWaitingAt + this.lingerMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
  }

  private async run(): Promise<void> {
    this.inFlight += 1;
    const batch = this.waiting.splice(0, this.maxItems);
    this.schedule(false); // more than a batch waiting, and room for another: it goes now
    try {
      await this.write(batch.map((b) => b.item));
      for (const b of batch) b.caller.done();
    } catch (err) {
      for (const b of batch) b.caller.fail(err);
    } finally {
      this.inFlight -= 1;
      // What arrived meanwhile has waited while this batch ran; it is due now unless the linger is longer.
      this.schedule(true);
    }
  }
}

/** One `add` call: settled when all its items are written, or at the first failure of a batch holding one. */
class Caller {
  readonly promise: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: unknown) => void;
  private settled = false;

  constructor(private left: number) {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  done(): void {
    if (--this.left === 0 && !this.settled) {
      this.settled = true;
      this.resolve();
    }
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }
}
