/**
 * In-process publish/subscribe for GraphQL subscriptions, built for many subscribers on one topic (10,000+
 * graphql-ws clients all listening to the same trigger).
 *
 * Why not `createPubSub` of `@graphql-yoga/subscription`: it gives each subscriber a listener on a shared
 * EventTarget feeding a Repeater. A publish is one dispatch over the listeners (linear, like here, but several times
 * dearer per subscriber: an Event, the linked-list walk, a Repeater push with its promise chain). Node's EventTarget
 * also walks that list on every addEventListener (duplicate check) and removeEventListener, so connecting N
 * subscribers costs O(N²) and each disconnect O(N). And a Repeater without a buffer throws once 1024 pushes wait on
 * a slow consumer; the throw happens in an EventTarget listener, which Node reports as an uncaught exception, so one
 * stuck socket could take the process down (a sliding `repeaterBuffer` would drop instead, but not count it).
 * Why not `graphql-subscriptions`' PubSub: its iterator queues what its consumer has not pulled yet in a plain
 * array with no cap, so one stuck socket grows the heap without bound.
 *
 * Here a topic is a Set of subscribers: publishing walks it once (linear in subscribers, nothing allocated but
 * the iterator results), adding and removing a subscriber is O(1). Each subscriber queues at most `maxQueued`
 * events its consumer has not pulled yet; past that the oldest is dropped and counted, so a slow or stuck
 * consumer costs bounded memory and never holds back the others. `return()` takes the subscriber out of its Set
 * at once, so a closed socket leaves nothing behind.
 *
 * It has the shape type-graphql 2 wants of `buildSchema({ pubSub })`: `publish(routingKey, ...args)` and
 * `subscribe(routingKey, dynamicId?)` returning an AsyncIterable. As with the yoga pubsub (and type-graphql's
 * `topicId`), `publish(key, id, payload)` reaches only `subscribe(key, id)`, and `publish(key, payload)` only
 * `subscribe(key)`.
 */

/** Per topic: `[payload]`, or `[id, payload]` for a topic subscribed to per id. */
export type TopicArgs = { [routingKey: string]: [unknown] | [string | number, unknown] };

type PayloadOf<A> = A extends [string | number, infer P] ? P : A extends [infer P] ? P : never;

export interface FanoutOptions {
  /** Events a subscriber may have waiting before its oldest are dropped (default 1000). */
  maxQueued?: number;
  /** Called on each dropped event (e.g. to count it in a metric), with the topic it was published on. */
  onDrop?: (topic: string) => void;
}

export const DEFAULT_MAX_QUEUED = 1000;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

export class FanoutPubSub<Topics extends TopicArgs> {
  private readonly topics = new Map<string, Set<Sink>>();
  private readonly maxQueued: number;
  private readonly onDrop: ((topic: string) => void) | undefined;
  private droppedTotal = 0;

  constructor(options: FanoutOptions = {}) {
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 1)
      throw new RangeError(`maxQueued must be a positive integer, not ${this.maxQueued}`);
    this.onDrop = options.onDrop;
  }

  publish<K extends keyof Topics & string>(routingKey: K, ...args: Topics[K]): void {
    const [topic, payload] =
      args.length >= 2 ? [topicOf(routingKey, args[0]), args[1]] : [routingKey as string, args[0]];
    const subscribers = this.topics.get(topic);
    if (!subscribers) return;
    // Deleting from a Set while iterating it is well defined (a subscriber returned meanwhile is skipped), and
    // nothing here runs consumer code synchronously: deliveries resolve promises, consumers run afterwards.
    for (const subscriber of subscribers) subscriber.deliver(payload);
  }

  /**
   * A subscriber joins its topic on its first `next()` (as the yoga pubsub's Repeater did): an iterable created but
   * never iterated, or returned before it was, is never in a Set, so it cannot leak. Wrappers (type-graphql's filter)
   * only start pulling once they themselves are pulled, and return this iterator when they are returned.
   */
  subscribe<K extends keyof Topics & string>(
    routingKey: K,
    dynamicId?: unknown,
  ): FanoutSubscriber<PayloadOf<Topics[K]>> {
    const topic = dynamicId === undefined ? routingKey : topicOf(routingKey, dynamicId);
    return new FanoutSubscriber(topic, this.maxQueued, this.registry);
  }

  /** Live subscribers of a topic (those that started iterating and have not been returned). */
  subscriberCount(routingKey: keyof Topics & string, dynamicId?: unknown): number {
    const topic = dynamicId === undefined ? routingKey : topicOf(routingKey, dynamicId);
    return this.topics.get(topic)?.size ?? 0;
  }

  /** Events dropped so far, across all subscribers, because a consumer fell more than `maxQueued` behind. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** What subscribers need of their pubsub; one object shared by all of them (no closures per subscriber). */
  private readonly registry: Registry = {
    attach: (topic, subscriber) => {
      let subscribers = this.topics.get(topic);
      if (!subscribers) this.topics.set(topic, (subscribers = new Set()));
      subscribers.add(subscriber);
    },
    detach: (topic, subscriber) => {
      const subscribers = this.topics.get(topic);
      // An empty topic is forgotten, so per-id topics (one per record, say) do not pile up either.
      if (subscribers?.delete(subscriber) && subscribers.size === 0) this.topics.delete(topic);
    },
    dropped: (topic) => {
      this.droppedTotal++;
      this.onDrop?.(topic);
    },
  };
}

function topicOf(routingKey: string, id: unknown): string {
  return `${routingKey}:${String(id)}`;
}

/** A subscriber as its topic's Set sees it. */
interface Sink {
  deliver(value: unknown): void;
}

interface Registry {
  attach(topic: string, subscriber: Sink): void;
  detach(topic: string, subscriber: Sink): void;
  dropped(topic: string): void;
}

/** One subscriber: an async iterator over its topic's events, from its first `next()` until `return()`. */
export class FanoutSubscriber<T> implements AsyncIterableIterator<T, undefined> {
  private state: 'idle' | 'live' | 'closed' = 'idle';
  private readonly queue: BoundedQueue<T>;
  /** `next()` calls waiting for an event (normally at most one: consumers pull one at a time). */
  private readonly waiting: Array<(result: IteratorResult<T, undefined>) => void> = [];
  private droppedHere = 0;

  constructor(
    private readonly topic: string,
    maxQueued: number,
    private readonly registry: Registry,
  ) {
    this.queue = new BoundedQueue(maxQueued);
  }

  /** Events this subscriber lost because it fell more than `maxQueued` behind. */
  get dropped(): number {
    return this.droppedHere;
  }

  /** Events published but not pulled yet (at most `maxQueued`). */
  get queued(): number {
    return this.queue.size;
  }

  /** Called by `publish` while this subscriber is in its topic's Set. */
  deliver(value: T): void {
    const waiter = this.waiting.shift();
    if (waiter) {
      waiter({ value, done: false });
    } else if (this.queue.push(value)) {
      this.droppedHere++;
      this.registry.dropped(this.topic);
    }
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.state === 'idle') {
      this.state = 'live';
      this.registry.attach(this.topic, this);
    }
    if (this.queue.size > 0) return Promise.resolve({ value: this.queue.shift() as T, done: false });
    if (this.state === 'closed') return Promise.resolve(DONE);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Leaves the topic at once, forgets what was queued, and ends any `next()` still waiting. */
  return(): Promise<IteratorReturnResult<undefined>> {
    if (this.state !== 'closed') {
      if (this.state === 'live') this.registry.detach(this.topic, this);
      this.state = 'closed';
      this.queue.clear();
      for (const waiter of this.waiting.splice(0)) waiter(DONE);
    }
    return Promise.resolve(DONE);
  }

  throw(err?: unknown): Promise<IteratorResult<T, undefined>> {
    void this.return();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * A FIFO of at most `cap` items; pushing onto a full one overwrites the oldest. A ring buffer that starts empty and
 * doubles up to `cap` only while its consumer lags, and shrinks back once drained, so the many subscribers that keep
 * up hold next to nothing.
 */
const MIN_SLOTS = 8;

class BoundedQueue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;
  size = 0;

  constructor(private readonly cap: number) {}

  /** Adds `item`; true if the oldest item had to be dropped for it. */
  push(item: T): boolean {
    if (this.size === this.items.length) {
      if (this.items.length < this.cap) {
        this.grow();
      } else {
        this.items[this.head] = item;
        this.head = (this.head + 1) % this.items.length;
        return true;
      }
    }
    this.items[(this.head + this.size) % this.items.length] = item;
    this.size++;
    return false;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    if (--this.size === 0) this.clear();
    return item;
  }

  clear(): void {
    // A short burst (two statuses of one change, say) keeps its few slots for the next one; a backlog's are let go.
    if (this.items.length > MIN_SLOTS) this.items = [];
    else this.items.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const grown = new Array<T | undefined>(Math.min(this.cap, Math.max(MIN_SLOTS, this.items.length * 2)));
    for (let i = 0; i < this.size; i++) grown[i] = this.items[(this.head + i) % this.items.length];
    this.items = grown;
    this.head = 0;
  }
}
