import type { ConvergenceConfig } from './config.js';
import { Lineage, type NodeId } from './lineage.js';
import {
  type Markers,
  contactsLive,
  stripeLive,
  type ContactView,
  type LocalCustomer,
  type StripeView,
  type World,
} from './world.js';

const isFailure = (e: { status: number }) => e.status === 0 || e.status === 429 || e.status >= 500;
/** Methods jsforce retries on its own (on 420/429/5xx and network errors): lib/request.js, retry.methods. */
const JSFORCE_RETRIED = new Set(['GET', 'PUT', 'HEAD', 'OPTIONS', 'DELETE']);

/**
 * When failed provider calls were noticed. A failure can leave work parked inside the app where nobody outside can
 * see it: a failed inbound re-fetch is redelivered 2 s later (DelayDelivery), and jsforce retries a failed
 * Salesforce GET/DELETE by itself up to 5 times, 500 ms doubling (up to 8 s between two attempts).
 */
export class FailureClock {
  private failures = -1;
  private lastFailure = 0;
  /** Per Salesforce request (method + path): failures since its last success, and when that last changed. */
  private chains = new Map<string, { run: number; at: number }>();

  constructor(world: World) {
    this.update(world, 0);
  }

  update(world: World, now = Date.now()): void {
    const sf = world.sf.requestLog();
    const failures = world.stripe.requestLog().filter(isFailure).length + sf.filter(isFailure).length;
    if (this.failures !== -1 && failures !== this.failures) this.lastFailure = now;
    this.failures = failures;
    // A jsforce retry chain is one request failing again and again; the inbound consumer re-fetches one message at
    // a time, so a success of the same request ends the chain.
    const runs = new Map<string, number>();
    for (const e of sf) {
      if (!JSFORCE_RETRIED.has(e.method)) continue;
      const key = `${e.method} ${e.path}`;
      runs.set(key, isFailure(e) ? (runs.get(key) ?? 0) + 1 : 0);
    }
    for (const [key, run] of runs) {
      const known = this.chains.get(key);
      if (!known || known.run !== run) this.chains.set(key, { run, at: now });
    }
  }

  /** How much longer to wait before no hidden retry can still be pending (0: none can). */
  remainingMs(baseQuietMs: number): number {
    const now = Date.now();
    let until = this.lastFailure + baseQuietMs;
    for (const { run, at } of this.chains.values()) {
      // After the k-th failure of a chain jsforce waits 500 * 2^(k-1) ms; after the 6th it has given up.
      if (run > 0 && run <= 5) until = Math.max(until, at + baseQuietMs + 500 * 2 ** (run - 1));
    }
    return Math.max(0, until - now);
  }
}

/** One line of the op log. */
export interface OpRecord {
  n: number;
  phase: 'random' | 'seal' | 'barrier';
  actor: 'local' | 'stripe' | 'salesforce' | 'fault';
  kind: string;
  /** ms since the seed started. */
  startedAt: number;
  endedAt?: number;
  /** The record acted on (or, for creates, the record that resulted). */
  target?: NodeId;
  input: string;
  ok?: boolean;
  result?: string;
}

/** Everything the three sides hold for one seed at one moment. */
export interface Snapshot {
  at: number;
  locals: LocalCustomer[];
  stripe: StripeView[];
  contacts: ContactView[];
}

/**
 * State of one seed's run. Every record a seed writes carries its tag (`cv<seed>-` in the email, `Cv<seed>-` in
 * the name), so seeds sharing one app never see each other's records.
 */
export class SeedRun {
  readonly tag: string;
  readonly lineage = new Lineage();
  readonly ops: OpRecord[] = [];
  /** Records a delete succeeded on (local delete, Stripe dashboard delete, Salesforce UI delete). */
  readonly deleted = new Map<NodeId, number>();
  /** No more operations on these on that side: deleted there, or a delete is in flight. */
  readonly tombstones = new Set<NodeId>();
  /** Local ids of this seed (creates, and any local record found by tag). */
  readonly localIds = new Set<string>();
  /** Local records outside the seed's tag that settles also wait for (the barrier). */
  readonly extraLocalIds = new Set<string>();
  /** When the person last deleted a Contact: Salesforce reports deletes only to the getDeleted poll. */
  lastSalesforceDeleteAt: number | undefined;
  /** The delete time a settle has already seen polled by getDeleted (later settles need not wait again). */
  salesforceDeletesPolledFor: number | undefined;
  readonly failures: FailureClock;
  private valueCounter = 0;
  readonly t0 = Date.now();
  /** Request-log markers placed when the seed started, for the failure report. */
  startMarkers: Markers | undefined;

  constructor(
    readonly world: World,
    readonly seed: number,
    readonly cfg: ConvergenceConfig,
  ) {
    this.tag = `cv${seed}-`;
    this.failures = new FailureClock(world);
  }

  elapsed(): number {
    return Date.now() - this.t0;
  }

  /** A fresh name and email, never used before by any seed (both carry the seed's tag). */
  freshValues(word: string): { first: string; last: string; name: string; email: string } {
    const k = ++this.valueCounter;
    const first = `${word}${k}`;
    const last = `Cv${this.seed}-n${k}`;
    return { first, last, name: `${first} ${last}`, email: `cv${this.seed}-e${k}@example.com` };
  }

  private hasTag(...values: Array<string | null | undefined>): boolean {
    return values.some((v) => typeof v === 'string' && v.toLowerCase().includes(this.tag));
  }

  /** Provider records that belong to this seed: tagged values, or our id of one of the seed's local records. */
  ownsRemote(r: { name: string | null; email: string | null; internalId: string | null }): boolean {
    if (this.hasTag(r.name, r.email)) return true;
    return r.internalId !== null && (this.localIds.has(r.internalId) || this.extraLocalIds.has(r.internalId));
  }

  stripeRecords(): StripeView[] {
    return stripeLive(this.world).filter((c) => this.ownsRemote(c));
  }

  contactRecords(): ContactView[] {
    return contactsLive(this.world).filter((c) => this.ownsRemote(c));
  }

  /** Reads the provider side (in-process, instant) and records what it says about lineage. */
  observeProviders(): { stripe: StripeView[]; contacts: ContactView[] } {
    const stripe = this.stripeRecords();
    const contacts = this.contactRecords();
    for (const c of stripe) this.lineage.observeStripe(c);
    for (const c of contacts) this.lineage.observeContact(c);
    return { stripe, contacts };
  }

  async localRecords(): Promise<LocalCustomer[]> {
    const found = await this.world.local.list(this.tag);
    for (const c of found) this.localIds.add(c.id);
    const known = new Set(found.map((c) => c.id));
    // Records that lost the tag cannot, but a bug could rename one: keep following every id the seed has seen.
    for (const id of [...this.localIds, ...this.extraLocalIds]) {
      if (known.has(id)) continue;
      const c = await this.world.local.get(id);
      if (c) found.push(c);
    }
    return found;
  }

  /** All three sides now (local first, then providers), observed into the lineage. */
  async snapshot(): Promise<Snapshot> {
    const locals = await this.localRecords();
    for (const c of locals) this.lineage.observeLocal(c);
    const { stripe, contacts } = this.observeProviders();
    // A record made at a provider carries our id only after its next write from us (the id is written back
    // lazily): until then the local record's mapping is what names its twin.
    const linked = new Map(
      locals.flatMap((c) => c.externalMappings.map((m) => [`${m.provider}:${m.externalId}`, c.id])),
    );
    const withOurs = <V extends { id: string; internalId: string | null }>(provider: string, views: V[]): V[] =>
      views.map((v) => (v.internalId ? v : { ...v, internalId: linked.get(`${provider}:${v.id}`) ?? null }));
    return {
      at: this.elapsed(),
      locals,
      stripe: withOurs('STRIPE', stripe),
      contacts: withOurs('SALESFORCE', contacts),
    };
  }

  startOp(rec: Omit<OpRecord, 'startedAt'>): OpRecord {
    const full: OpRecord = { ...rec, startedAt: this.elapsed() };
    this.ops.push(full);
    return full;
  }

  endOp(rec: OpRecord, ok: boolean, result: string, target?: NodeId): void {
    rec.endedAt = this.elapsed();
    rec.ok = ok;
    rec.result = result;
    if (target) rec.target = target;
  }
}
