import { customerCatalog } from '../../src/catalogs/customer/definition.js';
import { invoiceCatalog } from '../../src/catalogs/invoice/definition.js';
import type { CatalogDefinition, RawValues } from '../../src/core/catalog.js';
import { ConflictError } from '../../src/core/errors.js';
import { canMove, checkLifecycle } from '../../src/core/lifecycle.js';
import type { RemoteRecord } from '../../src/core/provider.js';
import {
  contentHash,
  fieldsToSend,
  judgeEvent,
  judgeOutbound,
  judgeRemoteRecord,
  type LinkFacts,
} from '../../src/core/sync-rules.js';

// The rules are generic: a made-up catalog with a lifecycle shows they name no catalog.
type Ticket = { title: string; state: string; points: number };
const tickets: CatalogDefinition<Ticket> = {
  entityType: 'TICKET',
  label: 'Ticket',
  entity: class {} as never,
  fields: ['title', 'state', 'points'],
  canonical: (v) => ({
    ...(v.title !== undefined ? { title: String(v.title ?? '').trim() } : {}),
    ...(v.state !== undefined ? { state: String(v.state ?? '') } : {}),
    ...(v.points !== undefined ? { points: Number(v.points ?? 0) } : {}),
  }),
  normalize: (v) => tickets.canonical(v),
  fromRemote: (v) =>
    v.title
      ? { fields: { title: String(v.title).trim(), state: String(v.state), points: Number(v.points) } }
      : { skip: 'no title' },
  lifecycle: {
    field: 'state',
    initial: 'open',
    transitions: { open: ['doing', 'closed'], doing: ['closed'] },
    frozenUnless: { points: ['open'] },
  },
};

const remote = (
  values: RawValues<Record<string, string | number | null>>,
  over: Partial<RemoteRecord> = {},
): RemoteRecord => ({
  externalId: 'x1',
  internalId: null,
  deleted: false,
  values,
  ...over,
});
const base: Ticket = { title: 'Fix it', state: 'open', points: 3 };
const link = (data: Ticket | null = base): LinkFacts => ({
  lastSyncedHash: data ? contentHash(tickets, data) : null,
  lastSyncedData: data,
});

describe('contentHash', () => {
  it('is the same for values that are equal in canonical form, different otherwise', () => {
    expect(contentHash(customerCatalog, { name: ' Ada  Lovelace ', email: 'ADA@x.io' })).toBe(
      contentHash(customerCatalog, { name: 'Ada Lovelace', email: 'ada@x.io' }),
    );
    expect(contentHash(customerCatalog, { name: 'Ada', email: 'a@x.io' })).not.toBe(
      contentHash(customerCatalog, { name: 'Ada', email: 'b@x.io' }),
    );
  });
});

describe('judgeEvent: dedupe and echo before any lock or API call', () => {
  const facts = { alreadySeen: false, markedOurs: false, link: link() };
  it('a seen event id is a duplicate, whatever else it says', () => {
    expect(judgeEvent(tickets, { ...facts, alreadySeen: true, markedOurs: true })).toBe('duplicate');
  });
  it('a change the provider marked as ours is an echo once linked; before that it names a record being created', () => {
    expect(judgeEvent(tickets, { ...facts, markedOurs: true })).toBe('echo');
    // Our create's reply is in flight or lost: the change must be applied (it finds the record by our id).
    expect(judgeEvent(tickets, { ...facts, markedOurs: true, link: null })).toBe('apply');
  });
  it('announcing exactly what we last synced is an echo; anything else is applied', () => {
    expect(judgeEvent(tickets, { ...facts, announced: remote({ ...base, title: ' Fix it ' }) })).toBe('echo');
    expect(judgeEvent(tickets, { ...facts, announced: remote({ ...base, title: 'Other' }) })).toBe('apply');
    expect(judgeEvent(tickets, { ...facts, announced: remote(base, { deleted: true }) })).toBe('apply');
    expect(judgeEvent(tickets, { ...facts, announced: remote(base), link: null })).toBe('apply');
    expect(judgeEvent(tickets, facts)).toBe('apply');
  });
});

describe('judgeRemoteRecord: what the current provider record means for the catalog', () => {
  const local = (values: Ticket = base, deleted = false) => ({ values, deleted });

  it('deletes only linked, live records', () => {
    expect(judgeRemoteRecord(tickets, undefined, null, null)).toMatchObject({ action: 'ignore' });
    expect(judgeRemoteRecord(tickets, remote({}, { deleted: true }), link(), local(base, true))).toMatchObject({
      action: 'ignore',
    });
    expect(judgeRemoteRecord(tickets, remote({}, { deleted: true }), link(), local())).toEqual({ action: 'delete' });
  });

  it('skips what the catalog cannot hold, links or creates what is not linked', () => {
    expect(judgeRemoteRecord(tickets, remote({ title: '' }), link(), local())).toEqual({
      action: 'skip',
      reason: 'no title',
    });
    expect(judgeRemoteRecord(tickets, remote(base), null, null)).toEqual({ action: 'link-or-create', fields: base });
  });

  it('ignores its own echo and never resurrects a record deleted here', () => {
    expect(judgeRemoteRecord(tickets, remote(base), link(), local())).toMatchObject({ action: 'ignore' });
    const changed = remote({ ...base, title: 'New' });
    expect(judgeRemoteRecord(tickets, changed, link(), local(base, true))).toMatchObject({ action: 'ignore' });
  });

  it('three-way merge: takes only the fields the provider changed, keeps a local edit to another field', () => {
    const verdict = judgeRemoteRecord(
      tickets,
      remote({ ...base, title: 'Provider title' }),
      link(),
      local({ ...base, points: 5 }),
    );
    expect(verdict).toEqual({
      action: 'merge',
      fields: { ...base, title: 'Provider title' },
      changed: { title: 'Provider title' },
      // The provider does not hold points = 5 yet: the merge must go back to it.
      providerHoldsResult: false,
    });
  });

  it('says when the provider already holds the merged result (no write back: no ping-pong)', () => {
    expect(judgeRemoteRecord(tickets, remote({ ...base, title: 'Renamed' }), link(), local())).toMatchObject({
      action: 'merge',
      changed: { title: 'Renamed' },
      providerHoldsResult: true,
    });
  });

  it('without a known base, every field counts as changed', () => {
    const verdict = judgeRemoteRecord(tickets, remote({ ...base, title: 'T' }), { lastSyncedHash: 'old' }, local());
    expect(verdict).toMatchObject({ action: 'merge', changed: { ...base, title: 'T' } });
  });

  it('customers: a provider record without a name takes its email as name, and one without email is skipped', () => {
    expect(judgeRemoteRecord(customerCatalog, remote({ name: null, email: 'A@x.io' }), null, null)).toEqual({
      action: 'link-or-create',
      fields: { name: 'A@x.io', email: 'a@x.io' },
    });
    expect(judgeRemoteRecord(customerCatalog, remote({ name: 'A', email: null }), null, null)).toMatchObject({
      action: 'skip',
    });
  });
});

describe('judgeOutbound: write, or skip as superseded / already there', () => {
  const facts = { eventVersion: 2, currentVersion: 2, targetVersion: 2, synced: false, lastSyncedVersion: 1 };
  it('writes the newest version that is not there yet', () => {
    expect(judgeOutbound(facts)).toBe('write');
  });
  it('skips a version superseded by a newer one (its own event follows) or a record that is gone', () => {
    expect(judgeOutbound({ ...facts, currentVersion: 3 })).toBe('superseded');
    expect(judgeOutbound({ ...facts, targetVersion: 3 })).toBe('superseded');
    expect(judgeOutbound({ ...facts, currentVersion: null })).toBe('superseded');
  });
  it('skips what the provider already holds (redelivery, or the change came from it)', () => {
    expect(judgeOutbound({ ...facts, synced: true, lastSyncedVersion: 2 })).toBe('already-there');
    expect(judgeOutbound({ ...facts, synced: true, lastSyncedVersion: 1 })).toBe('write');
  });
});

describe('fieldsToSend', () => {
  const record = { ...base, points: 8, id: 'r1', version: 2, deleted: false };
  it('sends only what differs from what the provider last held, everything when that is unknown', () => {
    expect(fieldsToSend(tickets, base, record)).toEqual({ points: 8 });
    expect(fieldsToSend(tickets, { ...base, points: 8 }, record)).toEqual({});
    expect(fieldsToSend(tickets, null, record)).toBeUndefined();
  });
  it('compares in canonical form, so a provider copy without a name still gets ours', () => {
    const c = { name: 'a@x.io', email: 'a@x.io', id: 'c1', version: 1, deleted: false };
    expect(fieldsToSend(customerCatalog, { name: '', email: 'A@X.io' }, c)).toEqual({ name: 'a@x.io' });
  });
});

describe('checkLifecycle', () => {
  const row = { id: 't1', ...base };
  it('allows the transitions the catalog lists and refuses the rest with CONFLICT', () => {
    expect(() => checkLifecycle(tickets, row, { state: 'doing' }, ['state'])).not.toThrow();
    expect(() => checkLifecycle(tickets, { ...row, state: 'closed' }, { state: 'open' }, ['state'])).toThrow(
      ConflictError,
    );
    expect(() => checkLifecycle(tickets, { ...row, state: 'closed' }, { state: 'open' }, ['state'])).toThrow(
      'Ticket t1 cannot go from closed to open',
    );
  });
  it("accepts a provider's move through states we never saw, but never one backwards", () => {
    // Stripe finalized and paid an invoice between two of our reads: draft -> paid, which went through open.
    const draft = { id: 'i1', status: 'draft' };
    expect(() => checkLifecycle(invoiceCatalog, draft, { status: 'paid' }, ['status'])).toThrow(ConflictError);
    expect(() => checkLifecycle(invoiceCatalog, draft, { status: 'paid' }, ['status'], 'path')).not.toThrow();
    expect(() =>
      checkLifecycle(invoiceCatalog, { id: 'i1', status: 'paid' }, { status: 'open' }, ['status'], 'path'),
    ).toThrow('Invoice i1 cannot go from paid to open');
    expect(canMove({ a: ['b'], b: ['a', 'c'] }, 'a', 'c', 'path')).toBe(true);
    expect(canMove({ a: ['b'], b: ['a'] }, 'a', 'c', 'path')).toBe(false);
    expect(canMove({ a: ['b'], b: ['c'] }, 'a', 'c', 'step')).toBe(false);
  });
  it('refuses edits of fields frozen once the record left the states that allow them', () => {
    expect(() => checkLifecycle(tickets, row, { points: 5 }, ['points'])).not.toThrow();
    expect(() => checkLifecycle(tickets, { ...row, state: 'doing' }, { points: 5 }, ['points'])).toThrow(
      'Ticket t1: points cannot change once it is doing',
    );
    expect(() => checkLifecycle(customerCatalog, { id: 'c1' }, { name: 'x' }, ['name'])).not.toThrow();
  });
});
