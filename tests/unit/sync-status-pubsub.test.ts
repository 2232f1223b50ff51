import { filter, pipe } from '@graphql-yoga/subscription';
import { createSyncStatusPubSub, SYNC_STATUS_TRIGGER } from '../../src/engine/graphql/pubsub.js';
import type { SyncStatusView } from '../../src/engine/sync-states.js';
import { FanoutPubSub } from '../../src/platform/fanout-pubsub.js';

const status = (targetVersion: number): SyncStatusView =>
  ({ entityType: 'CUSTOMER', entityId: `c${targetVersion % 3}`, targetVersion }) as unknown as SyncStatusView;

const tick = () => new Promise((r) => setTimeout(r, 0));

/** Pulls `count` events from `iterable` as a consumer would (one `next()` at a time). */
async function take<T>(iterable: AsyncIterable<T>, count: number): Promise<T[]> {
  const got: T[] = [];
  if (count === 0) return got;
  for await (const value of iterable) {
    got.push(value);
    if (got.length === count) break;
  }
  return got;
}

describe('SyncStatusPubSub', () => {
  it('gives every subscriber every event, in the order published', async () => {
    const pubSub = createSyncStatusPubSub();
    const consumers = Array.from({ length: 50 }, () => take(pubSub.subscribe(SYNC_STATUS_TRIGGER), 200));
    await tick(); // every consumer has made its first next(), so it is subscribed
    expect(pubSub.subscriberCount(SYNC_STATUS_TRIGGER)).toBe(50);
    for (let v = 0; v < 200; v++) {
      pubSub.publish(SYNC_STATUS_TRIGGER, status(v));
      if (v % 7 === 0) await tick(); // some events while consumers wait, some while they are busy
    }
    const expected = Array.from({ length: 200 }, (_, v) => v);
    for (const got of await Promise.all(consumers)) expect(got.map((s) => s.targetVersion)).toEqual(expected);
    // Each consumer broke out of its loop, which returned its iterator.
    expect(pubSub.subscriberCount(SYNC_STATUS_TRIGGER)).toBe(0);
    expect(pubSub.dropped).toBe(0);
  });

  it('stops delivering to a returned iterator at once and forgets it', async () => {
    const pubSub = createSyncStatusPubSub();
    const leaving = pubSub.subscribe(SYNC_STATUS_TRIGGER);
    const staying = pubSub.subscribe(SYNC_STATUS_TRIGGER);
    const waiting = leaving.next(); // subscribes, and waits
    const stayed = take(staying, 3);
    await tick();
    expect(pubSub.subscriberCount(SYNC_STATUS_TRIGGER)).toBe(2);

    pubSub.publish(SYNC_STATUS_TRIGGER, status(1));
    expect(await waiting).toEqual({ value: status(1), done: false });
    pubSub.publish(SYNC_STATUS_TRIGGER, status(2)); // queued: `leaving` has no next() waiting
    const pending = leaving.next();
    expect(await pending).toEqual({ value: status(2), done: false });
    const stillWaiting = leaving.next();
    expect(await leaving.return()).toEqual({ value: undefined, done: true });
    expect(await stillWaiting).toEqual({ value: undefined, done: true }); // a next() in flight ends too
    expect(pubSub.subscriberCount(SYNC_STATUS_TRIGGER)).toBe(1);

    pubSub.publish(SYNC_STATUS_TRIGGER, status(3));
    expect(await leaving.next()).toEqual({ value: undefined, done: true });
    expect((await stayed).map((s) => s.targetVersion)).toEqual([1, 2, 3]);
    expect(pubSub.subscriberCount(SYNC_STATUS_TRIGGER)).toBe(0);
  });

  it('removes the subscriber when the filter type-graphql wraps it in is returned (a closed socket)', async () => {
    const pubSub = createSyncStatusPubSub();
    const filtered = pipe(
      pubSub.subscribe(SYNC_STATUS_TRIGGER),
      filter((s: SyncStatusView) => s.entityId === 'c1'),
    );
    const first = filtered.next();
    await tick();
    expect(pubSub.subscriberCount(SYNC_STATUS_TRIGGER)).toBe(1);
    pubSub.publish(SYNC_STATUS_TRIGGER, status(3)); // c0: filtered out
    pubSub.publish(SYNC_STATUS_TRIGGER, status(4)); // c1
    expect((await first).value).toEqual(status(4));
    await filtered.return(undefined);
    await tick();
    expect(pubSub.subscriberCount(SYNC_STATUS_TRIGGER)).toBe(0);
  });

  it('never subscribes an iterator that was not pulled, so one returned unused leaves nothing behind', async () => {
    const pubSub = createSyncStatusPubSub();
    const unused = pubSub.subscribe(SYNC_STATUS_TRIGGER);
    pubSub.publish(SYNC_STATUS_TRIGGER, status(1));
    expect(pubSub.subscriberCount(SYNC_STATUS_TRIGGER)).toBe(0);
    await unused.return();
    expect(await unused.next()).toEqual({ value: undefined, done: true });
    expect(pubSub.subscriberCount(SYNC_STATUS_TRIGGER)).toBe(0);
  });

  it("keeps a slow subscriber's queue bounded, dropping and counting its oldest events, without holding up others", async () => {
    const drops: string[] = [];
    const pubSub = createSyncStatusPubSub({ onDrop: (topic) => drops.push(topic) });
    const slow = pubSub.subscribe(SYNC_STATUS_TRIGGER);
    const firstOfSlow = slow.next();
    const fast = take(pubSub.subscribe(SYNC_STATUS_TRIGGER), 5000);
    await tick();
    for (let v = 0; v < 5000; v++) {
      pubSub.publish(SYNC_STATUS_TRIGGER, status(v));
      expect(slow.queued).toBeLessThanOrEqual(1000);
      if (v % 100 === 0) await tick();
    }
    expect((await fast).map((s) => s.targetVersion)).toEqual(Array.from({ length: 5000 }, (_, v) => v));
    // Event 0 went to the next() it was waiting in; of the 4999 after it, only the newest 1000 are kept.
    expect((await firstOfSlow).value?.targetVersion).toBe(0);
    expect(slow.queued).toBe(1000);
    expect(slow.dropped).toBe(3999);
    expect(pubSub.dropped).toBe(3999);
    expect(drops).toHaveLength(3999);
    expect(drops.every((t) => t === SYNC_STATUS_TRIGGER)).toBe(true);
    // It catches up on what was kept, in order, then gets new events as they come.
    const rest = await take(slow, 1000);
    expect(rest.map((s) => s.targetVersion)).toEqual(Array.from({ length: 1000 }, (_, i) => 4000 + i));
    expect(pubSub.subscriberCount(SYNC_STATUS_TRIGGER)).toBe(0); // take() broke out, returning it
  });

  it('honours a smaller cap, and keeps order across the wrap of its ring buffer', async () => {
    const pubSub = new FanoutPubSub<{ T: [number] }>({ maxQueued: 5 });
    const it = pubSub.subscribe('T');
    const first = it.next();
    await tick();
    for (let v = 0; v < 13; v++) pubSub.publish('T', v);
    expect((await first).value).toBe(0);
    expect(it.queued).toBe(5);
    expect(it.dropped).toBe(7);
    expect(await take(it, 2)).toEqual([8, 9]);
    const again = pubSub.subscribe('T');
    const waiting = again.next();
    await tick();
    for (let v = 13; v < 16; v++) pubSub.publish('T', v);
    expect((await waiting).value).toBe(13);
    expect(await take(again, 2)).toEqual([14, 15]);
    expect(() => new FanoutPubSub({ maxQueued: 0 })).toThrow(RangeError);
  });

  it('routes publish(key, id, payload) only to subscribe(key, id), as type-graphql topicId expects', async () => {
    const pubSub = new FanoutPubSub<{ T: [string, number] | [number] }>();
    const all = pubSub.subscribe('T');
    const one = pubSub.subscribe('T', 'a');
    const other = pubSub.subscribe('T', 'b');
    const [gotAll, gotOne, gotOther] = [all.next(), one.next(), other.next()];
    await tick();
    expect(pubSub.subscriberCount('T', 'a')).toBe(1);
    pubSub.publish('T', 'a', 1);
    pubSub.publish('T', 2);
    expect((await gotOne).value).toBe(1);
    expect((await gotAll).value).toBe(2);
    await Promise.all([all.return(), one.return()]);
    pubSub.publish('T', 'b', 3);
    expect((await gotOther).value).toBe(3);
    await other.return();
    expect(pubSub.subscriberCount('T', 'b')).toBe(0);
  });
});
