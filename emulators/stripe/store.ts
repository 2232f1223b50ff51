import { type CustomerInput, METADATA_MAX_KEYS } from './customer-params.js';
import { invalidRequest, resourceMissing } from './errors.js';
import { randomId, randomInvoicePrefix, unixSeconds } from './ids.js';
import { type ListOptions, paginate, type Sequenced } from './pagination.js';
import type {
  Metadata,
  StripeCustomer,
  StripeDeletedCustomer,
  StripeEvent,
  StripeEventType,
  StripeList,
} from './types.js';

/** What caused a change; copied into the event's `request` so consumers can recognise their own writes. */
export interface ChangeContext {
  requestId: string;
  idempotencyKey: string | null;
}

export interface StoreHooks {
  /** Number of webhook endpoints that will be sent the event (0 or 1 here). */
  pendingWebhooks(): number;
  /** Called for every new event, in creation order. */
  publish(event: StripeEvent): void;
}

interface CustomerRecord {
  seq: number;
  customer: StripeCustomer;
  deleted: boolean;
}

/**
 * All emulated Stripe state: customers (deleted ones are kept as tombstones, since Stripe keeps answering GETs for
 * them) and the event log. Every change produces exactly one event; a write that changes nothing produces none.
 */
export class StripeStore {
  private customers = new Map<string, CustomerRecord>();
  private events = new Map<string, Sequenced<StripeEvent>>();
  private seq = 0;

  constructor(
    private readonly apiVersion: string,
    private readonly hooks: StoreHooks,
  ) {}

  reset(): void {
    this.customers.clear();
    this.events.clear();
  }

  createCustomer(input: CustomerInput, ctx: ChangeContext): StripeCustomer {
    const metadata = emptyMetadata();
    for (const [key, value] of Object.entries(input.metadata?.set ?? {})) if (value !== null) metadata[key] = value;
    checkMetadataSize(metadata);
    const customer: StripeCustomer = {
      id: randomId('cus'),
      object: 'customer',
      address: null,
      balance: 0,
      created: unixSeconds(),
      currency: null,
      default_source: null,
      delinquent: false,
      description: input.fields.description ?? null,
      discount: null,
      email: input.fields.email ?? null,
      invoice_prefix: randomInvoicePrefix(),
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata,
      name: input.fields.name ?? null,
      next_invoice_sequence: 1,
      phone: input.fields.phone ?? null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    };
    this.customers.set(customer.id, { seq: this.nextSeq(), customer, deleted: false });
    this.emit('customer.created', customer, ctx);
    return customer;
  }

  updateCustomer(id: string, input: CustomerInput, ctx: ChangeContext): StripeCustomer {
    const customer = this.liveCustomer(id);
    const previous: Record<string, unknown> = {};
    const next = { ...customer };

    for (const [field, value] of Object.entries(input.fields) as Array<[keyof typeof input.fields, string | null]>) {
      if (customer[field] !== value) {
        previous[field] = customer[field];
        next[field] = value;
      }
    }

    if (input.metadata) {
      const before = customer.metadata;
      const after = input.metadata.clearAll ? emptyMetadata() : Object.assign(emptyMetadata(), before);
      for (const [key, value] of Object.entries(input.metadata.set)) {
        if (value === null) delete after[key];
        else after[key] = value;
      }
      checkMetadataSize(after);
      // Like Stripe, previous_attributes.metadata lists only the keys that changed (null for keys just added).
      const changed = emptyPrevious();
      for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (before[key] !== after[key]) changed[key] = before[key] ?? null;
      }
      if (Object.keys(changed).length > 0) {
        previous.metadata = changed;
        next.metadata = after;
      }
    }

    if (Object.keys(previous).length === 0) return customer;
    const record = this.customers.get(id);
    if (record) record.customer = next;
    this.emit('customer.updated', next, ctx, previous);
    return next;
  }

  deleteCustomer(id: string, ctx: ChangeContext): StripeDeletedCustomer {
    const customer = this.liveCustomer(id);
    const record = this.customers.get(id);
    if (record) record.deleted = true;
    this.emit('customer.deleted', customer, ctx);
    return { id, object: 'customer', deleted: true };
  }

  retrieveCustomer(id: string): StripeCustomer | StripeDeletedCustomer {
    const record = this.customers.get(id);
    if (!record) throw resourceMissing('customer', id);
    return record.deleted ? { id, object: 'customer', deleted: true } : record.customer;
  }

  listCustomers(
    options: ListOptions,
    filter: { email?: string; created?: (created: number) => boolean },
  ): StripeList<StripeCustomer> {
    const items: Sequenced<StripeCustomer>[] = [];
    for (const { seq, customer, deleted } of this.customers.values()) {
      if (deleted) continue;
      // Stripe's email filter is an exact, case-sensitive match.
      if (filter.email !== undefined && customer.email !== filter.email) continue;
      if (filter.created && !filter.created(customer.created)) continue;
      items.push({ seq, value: customer });
    }
    return paginate(items, options, (id) => this.customers.get(id)?.seq, { kind: 'customer', url: '/v1/customers' });
  }

  /** Current non-deleted customers, newest first. */
  activeCustomers(): StripeCustomer[] {
    return [...this.customers.values()]
      .filter((record) => !record.deleted)
      .sort((a, b) => b.seq - a.seq)
      .map((record) => record.customer);
  }

  retrieveEvent(id: string): StripeEvent {
    const entry = this.events.get(id);
    if (!entry) throw resourceMissing('event', id);
    return entry.value;
  }

  listEvents(
    options: ListOptions,
    filter: { type?: (type: string) => boolean; created?: (created: number) => boolean },
  ): StripeList<StripeEvent> {
    const items = [...this.events.values()].filter(
      ({ value }) => (!filter.type || filter.type(value.type)) && (!filter.created || filter.created(value.created)),
    );
    return paginate(items, options, (id) => this.events.get(id)?.seq, { kind: 'event', url: '/v1/events' });
  }

  private liveCustomer(id: string): StripeCustomer {
    const record = this.customers.get(id);
    if (!record || record.deleted) throw resourceMissing('customer', id);
    return record.customer;
  }

  private emit(
    type: StripeEventType,
    customer: StripeCustomer,
    ctx: ChangeContext,
    previousAttributes?: Record<string, unknown>,
  ): void {
    const event: StripeEvent = {
      id: randomId('evt', 24),
      object: 'event',
      api_version: this.apiVersion,
      created: unixSeconds(),
      // A snapshot: later changes to the customer must not alter what this event says.
      data: {
        object: snapshot(customer),
        ...(previousAttributes && { previous_attributes: snapshot(previousAttributes) }),
      },
      livemode: false,
      pending_webhooks: this.hooks.pendingWebhooks(),
      request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey },
      type,
    };
    this.events.set(event.id, { seq: this.nextSeq(), value: event });
    this.hooks.publish(event);
  }

  private nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }
}

// Metadata keys come straight from clients; prototype-less objects keep a key like `__proto__` ordinary data.
function emptyMetadata(): Metadata {
  return Object.create(null) as Metadata;
}

function emptyPrevious(): Record<string, string | null> {
  return Object.create(null) as Record<string, string | null>;
}

function checkMetadataSize(metadata: Metadata): void {
  if (Object.keys(metadata).length > METADATA_MAX_KEYS) {
    throw invalidRequest(`Metadata can have up to ${METADATA_MAX_KEYS} keys.`, 'metadata');
  }
}

/** Deep copy through JSON: yields plain objects, exactly what a client would parse from the wire. */
export function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
