import { snapshot } from './snapshot.js';
import type { CustomerInput } from './customer-params.js';
import { resourceMissing } from './errors.js';
import { randomId, randomInvoicePrefix, unixSeconds } from './ids.js';
import { InvoiceStore, type InvoiceStoreState } from './invoices.js';
import { applyMetadata, emptyMetadata } from './metadata.js';
import { type ListOptions, paginate, type Sequenced } from './pagination.js';
import { previousAttributes } from './previous-attributes.js';
import type {
  StripeCustomer,
  StripeDeletedCustomer,
  StripeEvent,
  StripeEventObject,
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
 * them), invoices and invoice items (in `invoices`) and the event log. Every change produces exactly one event of
 * each type it stands for; a write that changes nothing produces none.
 */
/** The store's contents as plain data (`StripeStore.state`). */
export interface StripeState {
  seq: number;
  customers: CustomerRecord[];
  events: Array<Sequenced<StripeEvent>>;
  invoices: InvoiceStoreState;
}

export class StripeStore {
  private customers = new Map<string, CustomerRecord>();
  private events = new Map<string, Sequenced<StripeEvent>>();
  private seq = 0;
  readonly invoices: InvoiceStore;

  constructor(
    private readonly apiVersion: string,
    private readonly hooks: StoreHooks,
  ) {
    this.invoices = new InvoiceStore({
      liveCustomer: (id, param) => this.liveCustomer(id, param),
      takeInvoiceNumber: (customerId) => this.takeInvoiceNumber(customerId),
      nextSeq: () => this.nextSeq(),
      emit: (type, object, ctx, previous) => this.emit(type, object, ctx, previous),
    });
  }

  /** Everything it holds, as plain data: `npm start` saves it and a later run starts from it. */
  state(): StripeState {
    return snapshot({
      seq: this.seq,
      customers: [...this.customers.values()],
      events: [...this.events.values()],
      invoices: this.invoices.state(),
    });
  }

  restore(state: StripeState): void {
    this.seq = state.seq;
    this.customers = new Map(state.customers.map((r) => [r.customer.id, r]));
    this.events = new Map(state.events.map((e) => [e.value.id, e]));
    this.invoices.restore(state.invoices);
  }

  reset(): void {
    this.customers.clear();
    this.invoices.clear();
    this.events.clear();
  }

  createCustomer(input: CustomerInput, ctx: ChangeContext): StripeCustomer {
    const metadata = applyMetadata(emptyMetadata(), input.metadata);
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
    const next: StripeCustomer = {
      ...customer,
      ...input.fields,
      ...(input.metadata && { metadata: applyMetadata(customer.metadata, input.metadata) }),
    };
    const previous = previousAttributes(customer, next);
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

  private liveCustomer(id: string, param = 'id'): StripeCustomer {
    const record = this.customers.get(id);
    if (!record || record.deleted) throw resourceMissing('customer', id, param);
    return record.customer;
  }

  /**
   * `<invoice_prefix>-0001`, from the customer's `next_invoice_sequence`, which advances
   * (https://docs.stripe.com/invoicing/customize). Stripe sends no customer event for it.
   */
  private takeInvoiceNumber(customerId: string): string {
    const record = this.customers.get(customerId);
    if (!record) throw resourceMissing('customer', customerId, 'customer');
    const { invoice_prefix: prefix, next_invoice_sequence: sequence } = record.customer;
    record.customer = { ...record.customer, next_invoice_sequence: sequence + 1 };
    return `${prefix}-${String(sequence).padStart(4, '0')}`;
  }

  private emit(
    type: StripeEventType,
    object: StripeEventObject,
    ctx: ChangeContext,
    previous?: Record<string, unknown>,
  ): void {
    const event: StripeEvent = {
      id: randomId('evt', 24),
      object: 'event',
      api_version: this.apiVersion,
      created: unixSeconds(),
      // A snapshot: later changes to the object must not alter what this event says.
      data: {
        object: snapshot(object),
        ...(previous && { previous_attributes: snapshot(previous) }),
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

export { snapshot };
