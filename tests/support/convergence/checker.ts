import { localNode, nodeKind, nodeRef, sfNode, stripeNode, type NodeId } from './lineage.js';
import type { SeedRun, Snapshot } from './run-context.js';
import type { ContactView, LocalCustomer, StripeView } from './world.js';

export interface Violation {
  rule:
    | 'missing-twin'
    | 'duplicate-twin'
    | 'field-mismatch'
    | 'orphan'
    | 'delete-lost'
    | 'duplicate-customer'
    | 'lost-customer'
    | 'spurious-delete'
    | 'lost-update'
    | 'write-after-quiescence';
  message: string;
  /** Records involved (their whole lineage is printed). */
  nodes: NodeId[];
}

/** A seal: the last edit of one customer, made on one side after everything settled. */
export interface Seal {
  localId: string;
  side: 'local' | 'stripe' | 'salesforce';
  op: number;
  name?: string;
  email?: string;
}

/**
 * "All three sides agree, no duplicates, delete wins", judged on a quiescent snapshot:
 *
 * 1. every live local customer has exactly one live Stripe customer with metadata.internal_id = its id and exactly
 *    one live Contact whose External ID is its id, with the same name and email;
 * 2. every live Stripe customer and live Contact of the seed is the twin of a live local customer (no orphans);
 * 3. per lineage (the same customer across sides and over time): if anyone deleted it on any side, nothing of it is
 *    live anywhere; otherwise it is exactly one live local customer (no duplicate made from one provider record)
 *    and none of its records was deleted.
 */
export function checkConvergence(run: SeedRun, snap: Snapshot): Violation[] {
  const out: Violation[] = [];
  const localById = new Map(snap.locals.map((c) => [c.id, c]));
  const liveLocals = snap.locals.filter((c) => !c.deletedAt);

  for (const x of liveLocals) {
    const node = localNode(x.id);
    const twins: Array<[string, Array<StripeView | ContactView>, (id: string) => NodeId, 'STRIPE' | 'SALESFORCE']> = [
      [
        'Stripe customer with metadata.internal_id',
        snap.stripe.filter((s) => s.internalId === x.id),
        stripeNode,
        'STRIPE',
      ],
      [
        `Contact with ${run.world.externalIdField}`,
        snap.contacts.filter((c) => c.internalId === x.id),
        sfNode,
        'SALESFORCE',
      ],
    ];
    for (const [what, found, toNode, provider] of twins) {
      if (found.length === 0) {
        out.push({
          rule: 'missing-twin',
          message: `live local customer ${x.id} has no live ${what} = its id`,
          nodes: [node],
        });
        continue;
      }
      if (found.length > 1) {
        out.push({
          rule: 'duplicate-twin',
          message: `live local customer ${x.id} has ${found.length} live ${what} = its id: ${found.map((f) => f.id).join(', ')}`,
          nodes: [node, ...found.map((f) => toNode(f.id))],
        });
      }
      for (const twin of found) {
        if (twin.name !== x.name || twin.email !== x.email) {
          out.push({
            rule: 'field-mismatch',
            message: `local ${x.id} has name="${x.name}" email=${x.email}, ${provider} ${twin.id} has name="${twin.name ?? ''}" email=${twin.email ?? '-'}`,
            nodes: [node, toNode(twin.id)],
          });
        }
      }
      const status = x.syncStatus.find((s) => s.provider === provider);
      if (found.length === 1 && status?.externalId && status.externalId !== found[0]!.id) {
        out.push({
          rule: 'field-mismatch',
          message: `local ${x.id} says it is synced to ${provider} ${status.externalId}, but its live twin there is ${found[0]!.id}`,
          nodes: [node, toNode(found[0]!.id), toNode(status.externalId)],
        });
      }
    }
  }

  const orphans: Array<[string, Array<StripeView | ContactView>, (id: string) => NodeId]> = [
    ['Stripe customer', snap.stripe, stripeNode],
    ['Contact', snap.contacts, sfNode],
  ];
  for (const [what, records, toNode] of orphans) {
    for (const r of records) {
      const twin = r.internalId ? localById.get(r.internalId) : undefined;
      if (!r.internalId) {
        out.push({ rule: 'orphan', message: `live ${what} ${r.id} carries no id of ours`, nodes: [toNode(r.id)] });
      } else if (!twin) {
        out.push({
          rule: 'orphan',
          message: `live ${what} ${r.id} names local ${r.internalId}, which does not exist`,
          nodes: [toNode(r.id)],
        });
      } else if (twin.deletedAt) {
        out.push({
          rule: 'orphan',
          message: `live ${what} ${r.id} is the twin of local ${twin.id}, which is deleted`,
          nodes: [toNode(r.id), localNode(twin.id)],
        });
      }
    }
  }

  out.push(...checkLineages(run, snap, localById));
  return out;
}

function checkLineages(run: SeedRun, snap: Snapshot, localById: Map<string, LocalCustomer>): Violation[] {
  const out: Violation[] = [];
  const liveStripe = new Set(snap.stripe.map((s) => stripeNode(s.id)));
  const liveContacts = new Set(snap.contacts.map((c) => sfNode(c.id)));
  const isLive = (node: NodeId): boolean => {
    const kind = nodeKind(node);
    if (kind === 'local') {
      const c = localById.get(nodeRef(node));
      return c !== undefined && !c.deletedAt;
    }
    if (kind === 'stripe') return liveStripe.has(node);
    if (kind === 'sf') return liveContacts.has(node);
    return false;
  };
  /** Records that existed at some point (operation placeholders do not). */
  const existed = (node: NodeId): boolean =>
    nodeKind(node) === 'local'
      ? localById.has(nodeRef(node))
      : nodeKind(node) !== 'op' && run.lineage.lastSeen.has(node);

  for (const component of run.lineage.components()) {
    const records = component.filter(existed);
    if (records.length === 0) continue;
    const live = records.filter(isLive);
    const deletedBy = records.filter((n) => run.deleted.has(n));
    if (deletedBy.length > 0) {
      if (live.length > 0) {
        const how = deletedBy.map((n) => `${n} (op #${run.deleted.get(n)})`).join(', ');
        out.push({
          rule: 'delete-lost',
          message: `deleted as ${how}, but still live: ${live.join(', ')}`,
          nodes: records,
        });
      }
      continue;
    }
    const liveLocal = live.filter((n) => nodeKind(n) === 'local');
    if (liveLocal.length > 1) {
      out.push({
        rule: 'duplicate-customer',
        message: `one customer (never deleted) became ${liveLocal.length} live local customers: ${liveLocal.join(', ')}`,
        nodes: records,
      });
    }
    if (liveLocal.length === 0) {
      out.push({
        rule: 'lost-customer',
        message: `nobody deleted this customer, but it has no live local record (live elsewhere: ${live.join(', ') || 'nothing'})`,
        nodes: records,
      });
    }
    const gone = records.filter((n) => !isLive(n));
    if (gone.length > 0) {
      out.push({
        rule: 'spurious-delete',
        message: `nobody deleted this customer, yet these records of it are deleted: ${gone.join(', ')}`,
        nodes: records,
      });
    }
  }
  return out;
}

/** "No lost update": each sealed value is what all three sides hold. */
export function checkSeals(run: SeedRun, snap: Snapshot, seals: Seal[]): Violation[] {
  const out: Violation[] = [];
  for (const seal of seals) {
    const node = localNode(seal.localId);
    const x = snap.locals.find((c) => c.id === seal.localId);
    const sides: Array<[string, { name: string | null; email: string | null } | undefined, NodeId | undefined]> = [
      ['local', x && !x.deletedAt ? x : undefined, node],
      ...snap.stripe
        .filter((s) => s.internalId === seal.localId)
        .map((s): [string, StripeView, NodeId] => [`Stripe ${s.id}`, s, stripeNode(s.id)]),
      ...snap.contacts
        .filter((c) => c.internalId === seal.localId)
        .map((c): [string, ContactView, NodeId] => [`Salesforce ${c.id}`, c, sfNode(c.id)]),
    ];
    const what = `${seal.name !== undefined ? `name="${seal.name}" ` : ''}${seal.email !== undefined ? `email=${seal.email}` : ''}`;
    if (sides.length < 3) {
      out.push({
        rule: 'lost-update',
        message: `sealed ${what} (op #${seal.op}, ${seal.side}) on customer ${seal.localId}: only ${sides.filter((s) => s[1]).length} of 3 sides still have the customer`,
        nodes: [node],
      });
    }
    for (const [side, rec, recNode] of sides) {
      if (!rec) {
        out.push({
          rule: 'lost-update',
          message: `sealed customer ${seal.localId} is gone on the ${side} side`,
          nodes: [node],
        });
        continue;
      }
      const wrong =
        (seal.name !== undefined && rec.name !== seal.name) || (seal.email !== undefined && rec.email !== seal.email);
      if (wrong) {
        out.push({
          rule: 'lost-update',
          message: `sealed ${what} (op #${seal.op}, made in ${seal.side}) but ${side} has name="${rec.name ?? ''}" email=${rec.email ?? '-'}`,
          nodes: [node, ...(recNode ? [recNode] : [])],
        });
      }
    }
  }
  return out;
}
