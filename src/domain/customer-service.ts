import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { catalogTopic } from '../events/topics.js';
import { Customer } from './entities/index.js';
import { EntityType, type Origin, type Provider } from './enums.js';
import { normalizeCustomerFields, type CustomerFields } from './customer-validation.js';
import { enqueue } from './outbox.js';
import { markChanged } from './sync-status.js';

export type CustomerEventType = 'customer.created' | 'customer.updated' | 'customer.deleted';

/** The customer as it travels on `catalog.customer`: a full snapshot, so consumers never read our DB. */
export interface CustomerSnapshot {
  id: string;
  name: string;
  email: string;
  version: number;
  deleted: boolean;
}

export function snapshot(c: Customer): CustomerSnapshot {
  return { id: c.id, name: c.name, email: c.email, version: c.version, deleted: c.deletedAt != null };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertUuid(id: string, field = 'id'): void {
  if (!UUID.test(id)) throw new ValidationError([{ field, message: 'must be a UUID' }]);
}

export interface UpdateCustomerInput extends Partial<CustomerFields> {
  /** Optimistic concurrency: fail with CONFLICT if the stored version differs. */
  expectedVersion?: number | undefined;
}

/**
 * The one path every customer change takes, whatever its origin (GraphQL mutation, provider webhook, poll or
 * import): validate, write the row, the outbox event and the per-provider sync states in one transaction.
 */
export class CustomerService {
  constructor(readonly providers: readonly Provider[]) {}

  async get(em: EntityManager, id: string, { includeDeleted = false } = {}): Promise<Customer> {
    assertUuid(id);
    const customer = await em.findOne(Customer, { id });
    if (!customer || (!includeDeleted && customer.deletedAt)) throw new NotFoundError('Customer', id);
    return customer;
  }

  async create(
    em: EntityManager,
    input: CustomerFields,
    origin: Origin = 'LOCAL',
    id: string = randomUUID(),
  ): Promise<Customer> {
    const fields = normalizeCustomerFields(input);
    return em.transactional(async (tx) => {
      const customer = tx.create(Customer, { id, name: fields.name, email: fields.email, version: 1 });
      await tx.flush();
      await this.record(tx, customer, 'customer.created', origin);
      return customer;
    });
  }

  /** Applies the given fields; a call that changes nothing writes nothing (no version bump, no event). */
  async update(
    em: EntityManager,
    id: string,
    input: UpdateCustomerInput,
    origin: Origin = 'LOCAL',
    { originInSync = true }: { originInSync?: boolean } = {},
  ): Promise<Customer> {
    const fields = normalizeCustomerFields(input);
    return em.transactional(async (tx) => {
      const customer = await this.lockLive(tx, id);
      if (fields.expectedVersion !== undefined && fields.expectedVersion !== customer.version) {
        throw new ConflictError(`Customer ${id} is at version ${customer.version}, not ${fields.expectedVersion}`, {
          currentVersion: customer.version,
        });
      }
      let changed = false;
      if (fields.name !== undefined && fields.name !== customer.name) {
        customer.name = fields.name;
        changed = true;
      }
      if (fields.email !== undefined && fields.email !== customer.email) {
        customer.email = fields.email;
        changed = true;
      }
      if (!changed) return customer;
      await tx.flush();
      await this.record(tx, customer, 'customer.updated', origin, originInSync);
      return customer;
    });
  }

  async delete(em: EntityManager, id: string, origin: Origin = 'LOCAL'): Promise<Customer> {
    return em.transactional(async (tx) => {
      const customer = await this.lockLive(tx, id);
      customer.deletedAt = new Date();
      await tx.flush();
      await this.record(tx, customer, 'customer.deleted', origin);
      return customer;
    });
  }

  private async lockLive(tx: EntityManager, id: string): Promise<Customer> {
    assertUuid(id);
    // Row lock: concurrent changes to one customer serialize, so versions and events stay in commit order.
    const customer = await tx.findOne(Customer, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!customer || customer.deletedAt) throw new NotFoundError('Customer', id);
    return customer;
  }

  private async record(
    tx: EntityManager,
    customer: Customer,
    type: CustomerEventType,
    origin: Origin,
    originInSync = true,
  ) {
    enqueue(tx, catalogTopic(EntityType.CUSTOMER), {
      type,
      entityType: EntityType.CUSTOMER,
      entityId: customer.id,
      origin,
      payload: snapshot(customer),
    });
    await markChanged(tx, EntityType.CUSTOMER, customer.id, customer.version, this.providers, origin, originInSync);
    await tx.flush();
  }
}
