import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnyCatalog, FieldValues } from '../core/catalog.js';
import type { EntityType, ProviderId } from '../core/enums.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import { ExternalMapping, SyncState } from './entities/index.js';
import { isLinked } from './mappings.js';
import { requeue } from './requeue.js';

/** The parent a record waits for at one provider (GraphQL `SyncStatus.waitingFor`). */
export interface ParentRef {
  entityType: EntityType;
  entityId: string;
}

/**
 * Parents first (README, "Parents first"): a record whose catalog declares parents (an invoice's customer) is
 * written to a provider only once every parent has a twin there; until then its sync state says which parent it
 * waits for, without using up an attempt, and it is queued again the moment that parent's twin is linked.
 *
 * Why nothing is missed: every path that links a record to a provider record holds that record's sync-state row
 * lock for the provider (the outbound worker across its create call, the inbound path while applying). A child
 * checks its parent under a share lock on the same row, so it either sees the link, or marks itself waiting before
 * the linker can commit, and the linker's `wakeChildren` (same transaction as the link) then sees it waiting.
 */
export async function parentIdsAt(
  tx: EntityManager,
  def: AnyCatalog,
  values: FieldValues,
  provider: ProviderId,
): Promise<{ ids: Record<string, string> } | { waitingFor: ParentRef }> {
  const ids: Record<string, string> = {};
  for (const p of def.parents ?? []) {
    const parentId = values[p.field];
    if (parentId == null || parentId === '') continue;
    const parent = p.catalog();
    const key = { entityType: parent.entityType, entityId: String(parentId), provider };
    await tx.find(SyncState, key, { lockMode: LockMode.PESSIMISTIC_READ });
    const mapping = await tx.findOne(ExternalMapping, key, { refresh: true });
    if (!isLinked(mapping)) return { waitingFor: { entityType: parent.entityType, entityId: String(parentId) } };
    ids[p.field] = mapping.externalId;
  }
  return { ids };
}

/** Marks a record as waiting for a parent: PENDING, no attempt used, nothing queued (the parent's link wakes it). */
export function markWaiting(state: SyncState, parent: ParentRef): void {
  state.waitingForType = parent.entityType;
  state.waitingForId = parent.entityId;
  state.attempts = 0;
  state.lastError = null;
}

/**
 * Records were just linked at `provider`: their children waiting for that are queued again (oldest record first,
 * through the outbox, in the linking transaction). One read for all of them (a batch of creates links many).
 */
export async function wakeChildren(
  tx: EntityManager,
  children: readonly AnyCatalog[],
  parent: AnyCatalog,
  parentIds: readonly string[],
  provider: ProviderId,
): Promise<number> {
  if (children.length === 0 || parentIds.length === 0) return 0;
  // Skip the waiting children another transaction holds: it is either that child's own worker, blocked reading
  // this parent's link (it sees the link once we commit, and writes the child), or a change of the child, whose
  // event checks the parent again. Waiting for it instead would lock child after parent, the reverse of the
  // worker's order (child, then the parent's link): a deadlock (tests/integration/invoice-stripe.test.ts).
  const waiting = await tx.find(
    SyncState,
    {
      provider,
      waitingForType: parent.entityType,
      waitingForId: parentIds.length === 1 ? parentIds[0]! : { $in: [...parentIds] },
      entityType: { $in: children.map((c) => c.entityType) },
    },
    { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
  );
  // Oldest record first, each under its parent's id as message key: one partition per parent, so a parent's
  // children go out in that order.
  const queued: Array<{ child: AnyCatalog; id: string; parentId: string; createdAt: number }> = [];
  for (const child of children) {
    const states = waiting.filter((s) => s.entityType === child.entityType);
    if (states.length === 0) continue;
    const parentOf = new Map(states.map((s) => [s.entityId, s.waitingForId!]));
    const rows = await tx.find(child.entity, { id: { $in: [...parentOf.keys()] } } as never);
    for (const r of rows)
      queued.push({ child, id: r.id, parentId: parentOf.get(r.id)!, createdAt: r.createdAt.getTime() });
  }
  queued.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  for (const q of queued) await requeue(tx, q.child, q.id, provider, q.parentId);
  return waiting.length;
}

/** The catalogs whose records name a record of `parent` (its children). */
export function childCatalogs(all: readonly AnyCatalog[], parent: AnyCatalog): AnyCatalog[] {
  return all.filter((c) => c.parents?.some((p) => p.catalog().entityType === parent.entityType));
}

/**
 * Before a record is written here: each parent it names exists and is live (a share lock on the parent's row, so
 * the parent cannot be deleted before this commits). BAD_USER_INPUT naming the field otherwise.
 */
export async function checkParentsLive(tx: EntityManager, def: AnyCatalog, values: Partial<FieldValues>) {
  for (const p of def.parents ?? []) {
    const id = values[p.field];
    if (id == null) continue;
    const parent = p.catalog();
    const row = await tx.findOne(parent.entity, { id } as never, { lockMode: LockMode.PESSIMISTIC_READ });
    if (!row || row.deletedAt)
      throw new ValidationError([{ field: p.field, message: `no live ${parent.label} ${String(id)}` }]);
  }
}

/**
 * Deleting a record that live children still name is refused (an invoice cannot lose its customer; Salesforce's
 * lookup would refuse the Contact's delete too): CONFLICT, with how many there are.
 */
export async function checkNoLiveChildren(
  tx: EntityManager,
  children: readonly AnyCatalog[],
  parent: AnyCatalog,
  parentId: string,
): Promise<void> {
  for (const child of children) {
    for (const p of child.parents ?? []) {
      if (p.catalog().entityType !== parent.entityType) continue;
      const count = await tx.count(child.entity, { [p.field]: parentId, deletedAt: null } as never);
      if (count > 0) {
        throw new ConflictError(
          `${parent.label} ${parentId} still has ${count} ${child.label.toLowerCase()}(s); ` +
            `delete them (or move them to another ${parent.label.toLowerCase()}) first`,
          { children: child.entityType, count },
        );
      }
    }
  }
}
