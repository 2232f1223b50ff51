import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { ExternalCustomer } from '../connectors/connector.js';
import { customerHash } from '../domain/content-hash.js';
import type { CustomerService } from '../domain/customer-service.js';
import { Customer, ExternalMapping } from '../domain/entities/index.js';
import { EntityType, type Provider } from '../domain/enums.js';
import { ValidationError } from '../errors.js';
import { lockExternalRecord } from './record-lock.js';
import { retrySync } from './retry-sync.js';

/**
 * A provider record as catalog fields: a record without a name gets its email as name (our catalog needs one).
 * Undefined when it has no email, which the catalog cannot hold.
 */
export function catalogFields(
  c: Pick<ExternalCustomer, 'name' | 'email'>,
): { name: string; email: string } | undefined {
  return c.email ? { name: c.name?.trim() || c.email, email: c.email } : undefined;
}

export type ApplyOutcome = 'created' | 'linked' | 'updated' | 'deleted' | 'unchanged' | 'skipped';

export interface ApplyResult {
  outcome: ApplyOutcome;
  customerId?: string;
  /** The provider record does not carry our id yet: store it there (after commit). */
  needsLink?: boolean;
  reason?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Brings the local catalog in line with a provider's CURRENT record (re-fetched, never the event payload): a
 * late or duplicated event therefore can never roll data back, whatever order events arrive in, same-second ties
 * included. The change then flows to the other providers through the normal outbox path, with origin = provider.
 * Runs inside the caller's transaction.
 */
export async function applyExternalCustomer(
  tx: EntityManager,
  customers: CustomerService,
  provider: Provider,
  externalId: string,
  current: ExternalCustomer | undefined,
): Promise<ApplyResult> {
  // Callers take it first (lock order); taking it again here is free and keeps this function safe on its own.
  await lockExternalRecord(tx, provider, externalId);
  const mapping = await tx.findOne(ExternalMapping, { provider, entityType: EntityType.CUSTOMER, externalId });

  if (!current || current.deleted) {
    if (!mapping) return { outcome: 'unchanged', reason: 'deleted record was never linked' };
    const local = await tx.findOne(Customer, { id: mapping.entityId });
    if (!local || local.deletedAt) return { outcome: 'unchanged', customerId: mapping.entityId };
    const deleted = await customers.delete(tx, local.id, provider);
    mapping.lastSyncedVersion = deleted.version;
    mapping.lastSyncedHash = null;
    return { outcome: 'deleted', customerId: local.id };
  }

  if (!current.email) return { outcome: 'skipped', reason: 'record has no email address' };
  // Our catalog needs a name; a provider record without one gets its email as name here. What the provider
  // itself holds (an empty name) is what lastSyncedData records, so our later writes still send the name.
  const fields = catalogFields(current)!;
  const held = { name: current.name?.trim() ?? '', email: current.email };
  const hash = customerHash(fields);

  try {
    if (mapping) {
      // Exactly what we last wrote or read: our own echo, or a duplicate.
      if (mapping.lastSyncedHash === hash) return { outcome: 'unchanged', customerId: mapping.entityId };
      const local = await tx.findOne(Customer, { id: mapping.entityId });
      // Deleted here: our delete is on its way to the provider; do not resurrect.
      if (!local || local.deletedAt) return { outcome: 'unchanged', customerId: mapping.entityId };
      // Only the fields the provider changed since we last synced: a local edit still on its way there (another
      // field, or the same one later) is kept, not reverted by the provider's older copy of it.
      const base = mapping.lastSyncedData;
      const changed: Partial<typeof fields> = {};
      if (!base || (base.name || base.email) !== fields.name) changed.name = fields.name;
      if (!base || base.email.toLowerCase() !== fields.email.toLowerCase()) changed.email = fields.email;
      const merged = { name: changed.name ?? local.name, email: (changed.email ?? local.email).toLowerCase() };
      const providerHasMerged = customerHash(merged) === hash;
      const updated = await customers.update(tx, local.id, changed, provider, { originInSync: providerHasMerged });
      mapping.lastSyncedHash = hash;
      mapping.lastSyncedData = held;
      if (providerHasMerged) mapping.lastSyncedVersion = Math.max(mapping.lastSyncedVersion ?? 0, updated.version);
      const outcome: ApplyOutcome =
        updated.version === local.version && !changed.name && !changed.email ? 'unchanged' : 'updated';
      return { outcome, customerId: local.id, needsLink: current.internalId !== local.id };
    }

    // Not linked yet: by our id stored on their record, else by email, else it is new.
    let local: Customer | null = null;
    if (current.internalId && UUID.test(current.internalId)) {
      local = await tx.findOne(Customer, { id: current.internalId, deletedAt: null });
      const other =
        local && (await tx.findOne(ExternalMapping, { provider, entityType: EntityType.CUSTOMER, entityId: local.id }));
      // Our id on a second provider record (a duplicate made outside catalog-sync, or a copied record): keep the
      // existing link, report this one.
      if (other)
        return { outcome: 'skipped', reason: `customer ${local!.id} is already linked to ${other.externalId}` };
    }
    if (!local) {
      const byEmail = await tx.find(
        Customer,
        { email: fields.email.toLowerCase(), deletedAt: null },
        { orderBy: { createdAt: 'asc' } },
      );
      const linked = new Set(
        (
          await tx.find(ExternalMapping, {
            provider,
            entityType: EntityType.CUSTOMER,
            entityId: { $in: byEmail.map((c) => c.id) },
          })
        ).map((m) => m.entityId),
      );
      local = byEmail.find((c) => !linked.has(c.id)) ?? null;
    }
    if (local) {
      // Linking an existing local record: the catalog (the hub) keeps its data. If the provider's copy differs,
      // ours is queued to it; what it holds now is recorded so its later edits merge field by field.
      const same = customerHash({ name: local.name, email: local.email }) === hash;
      tx.create(ExternalMapping, {
        id: randomUUID(),
        entityType: EntityType.CUSTOMER,
        entityId: local.id,
        provider,
        externalId,
        lastSyncedVersion: same ? local.version : null,
        lastSyncedHash: hash,
        lastSyncedData: held,
      });
      await tx.flush();
      if (!same) await retrySync(tx, EntityType.CUSTOMER, local.id, provider);
      return { outcome: 'linked', customerId: local.id, needsLink: current.internalId !== local.id };
    }
    const customer = await customers.create(tx, fields, provider);
    tx.create(ExternalMapping, {
      id: randomUUID(),
      entityType: EntityType.CUSTOMER,
      entityId: customer.id,
      provider,
      externalId,
      lastSyncedVersion: customer.version,
      lastSyncedHash: hash,
      lastSyncedData: held,
    });
    return { outcome: 'created', customerId: customer.id, needsLink: true };
  } catch (err) {
    // Provider data our catalog cannot hold (e.g. an invalid email): skip it and say why, lose nothing here.
    if (err instanceof ValidationError) return { outcome: 'skipped', reason: err.message };
    throw err;
  }
}
