import { resourceMissing, stateError } from './errors.js';
import { randomId, unixSeconds } from './ids.js';
import { editInvoice } from './invoice-edits.js';
import { dueDate, lineOf, newInvoice, newInvoiceItem, paidInvoice, withLines } from './invoice-objects.js';
import type {
  InvoiceCreateInput,
  InvoiceItemCreateInput,
  InvoiceItemUpdateInput,
  InvoiceUpdateInput,
} from './invoice-params.js';
import { applyMetadata, emptyMetadata } from './metadata.js';
import { type ListOptions, paginate, type Sequenced } from './pagination.js';
import { previousAttributes } from './previous-attributes.js';
import { snapshot } from './snapshot.js';
import type { ChangeContext } from './store.js';
import type {
  StripeCustomer,
  StripeDeletedInvoice,
  StripeDeletedInvoiceItem,
  StripeEventObject,
  StripeEventType,
  StripeInvoice,
  StripeInvoiceItem,
  StripeInvoiceLineItem,
  StripeList,
} from './types.js';

/** What invoices need from the rest of the store. */
export interface InvoiceHost {
  /** The live customer, or Stripe's 404 naming `param`. */
  liveCustomer(id: string, param: string): StripeCustomer;
  /** The customer's next invoice number, `<invoice_prefix>-0001`, advancing its `next_invoice_sequence`. */
  takeInvoiceNumber(customerId: string): string;
  /** Position in creation order, shared with customers and events. */
  nextSeq(): number;
  emit(type: StripeEventType, object: StripeEventObject, ctx: ChangeContext, previous?: Record<string, unknown>): void;
}

export interface InvoiceStoreState {
  invoices: InvoiceRecord[];
  items: ItemRecord[];
}

interface InvoiceRecord {
  seq: number;
  invoice: StripeInvoice;
  daysUntilDue: number | null;
  /** Ids of the invoice items on it, in Stripe's line order. */
  itemIds: string[];
  deleted: boolean;
}

interface ItemRecord {
  seq: number;
  item: StripeInvoiceItem;
  /** The `il_` id of its line, given when it joins an invoice. */
  lineId: string | null;
  deleted: boolean;
}

const NOT_OPEN = "You can only pass in open invoices. This invoice isn't open.";

/**
 * Invoices and invoice items, with Stripe's status transitions and the event each one emits
 * (https://docs.stripe.com/invoicing/integration/workflow-transitions): draft -> open (finalize) -> paid | void |
 * uncollectible, uncollectible -> paid | void. Only drafts change their lines; every change of an invoice's lines
 * recomputes its totals. Deleted ones are kept as tombstones so that pagination cursors naming them still work, but
 * they answer 404 like on Stripe.
 */
export class InvoiceStore {
  private invoices = new Map<string, InvoiceRecord>();
  private items = new Map<string, ItemRecord>();

  constructor(private readonly host: InvoiceHost) {}

  /** Everything it holds, as plain data (`npm start` keeps the emulator's state between runs). */
  state(): InvoiceStoreState {
    return snapshot({ invoices: [...this.invoices.values()], items: [...this.items.values()] });
  }

  restore(state: InvoiceStoreState): void {
    this.invoices = new Map(state.invoices.map((r) => [r.invoice.id, r]));
    this.items = new Map(state.items.map((r) => [r.item.id, r]));
  }

  clear(): void {
    this.invoices.clear();
    this.items.clear();
  }

  createInvoice(input: InvoiceCreateInput, ctx: ChangeContext): StripeInvoice {
    this.host.liveCustomer(input.customer, 'customer');
    const metadata = applyMetadata(emptyMetadata(), input.metadata);
    const id = randomId('in');
    // Pending items in the invoice's currency join newest first
    // (https://docs.stripe.com/api/invoices/object#invoice_object-lines).
    const pulled = input.includePendingItems
      ? [...this.items.values()]
          .filter(({ item, deleted }) => !deleted && item.invoice === null && item.customer === input.customer)
          .filter(({ item }) => item.currency === input.currency)
          .sort((a, b) => b.seq - a.seq)
      : [];
    for (const record of pulled) this.attach(record, id);
    const itemIds = pulled.map(({ item }) => item.id);
    const record: InvoiceRecord = {
      seq: this.host.nextSeq(),
      invoice: newInvoice(id, input, metadata, unixSeconds(), this.linesOf(id, itemIds)),
      daysUntilDue: input.daysUntilDue ?? null,
      itemIds,
      deleted: false,
    };
    this.invoices.set(id, record);
    this.host.emit('invoice.created', record.invoice, ctx);
    return record.invoice;
  }

  retrieveInvoice(id: string): StripeInvoice {
    return this.liveInvoice(id).invoice;
  }

  updateInvoice(id: string, input: InvoiceUpdateInput, ctx: ChangeContext): StripeInvoice {
    const record = this.liveInvoice(id);
    const edited = editInvoice(record, input);
    record.daysUntilDue = edited.daysUntilDue;
    return this.update(record, edited.invoice, ctx);
  }

  deleteInvoice(id: string, ctx: ChangeContext): StripeDeletedInvoice {
    const record = this.liveInvoice(id);
    if (record.invoice.status !== 'draft') throw stateError('You can only delete draft invoices.');
    record.deleted = true;
    this.host.emit('invoice.deleted', record.invoice, ctx);
    // Its items go with it: they belonged to this invoice only.
    for (const itemId of record.itemIds) {
      const item = this.items.get(itemId);
      if (!item) continue;
      item.deleted = true;
      this.host.emit('invoiceitem.deleted', item.item, ctx);
    }
    return { id, object: 'invoice', deleted: true };
  }

  listInvoices(options: ListOptions, keep: (invoice: StripeInvoice) => boolean): StripeList<StripeInvoice> {
    return listLive(this.invoices, (record) => record.invoice, keep, options, { kind: 'invoice', url: '/v1/invoices' });
  }

  /** All lines of an invoice, in line order (`paginate` lists higher `seq` first). */
  listLines(id: string, options: ListOptions): StripeList<StripeInvoiceLineItem> {
    const lines = this.linesOf(id, this.liveInvoice(id).itemIds);
    const seqOf = new Map(lines.map((line, index) => [line.id, lines.length - index]));
    return paginate(
      lines.map((line) => ({ seq: seqOf.get(line.id) ?? 0, value: line })),
      options,
      (lineId) => seqOf.get(lineId),
      { kind: 'line_item', url: `/v1/invoices/${id}/lines` },
    );
  }

  /** Non-deleted invoices, newest first. */
  activeInvoices(): StripeInvoice[] {
    return [...this.invoices.values()]
      .filter((record) => !record.deleted)
      .sort((a, b) => b.seq - a.seq)
      .map((record) => record.invoice);
  }

  /**
   * Assigns the number and makes the invoice open. Like Stripe, an invoice with nothing due is paid at once
   * (https://docs.stripe.com/invoicing/overview). Every event shows the invoice as the call left it.
   */
  finalizeInvoice(id: string, input: { autoAdvance?: boolean }, ctx: ChangeContext): StripeInvoice {
    const record = this.liveInvoice(id);
    const { invoice } = record;
    if (invoice.status !== 'draft') {
      throw stateError("This invoice is already finalized, you can't re-finalize a non-draft invoice.");
    }
    const now = unixSeconds();
    let next: StripeInvoice = {
      ...invoice,
      status: 'open',
      number: this.host.takeInvoiceNumber(invoice.customer),
      // days_until_due counts from finalization.
      due_date: record.daysUntilDue === null ? invoice.due_date : dueDate({ daysUntilDue: record.daysUntilDue }, now),
      effective_at: now,
      ending_balance: 0,
      ...(input.autoAdvance !== undefined && { auto_advance: input.autoAdvance }),
      status_transitions: { ...invoice.status_transitions, finalized_at: now },
    };
    const events: StripeEventType[] = ['invoice.finalized'];
    if (next.amount_due === 0) {
      next = { ...paidInvoice(next, now), attempted: true };
      events.push('invoice.paid', 'invoice.payment_succeeded');
    }
    return this.transition(record, next, ctx, events);
  }

  /** Only out of band: the emulator has no payment methods to charge. */
  payInvoice(id: string, input: { paidOutOfBand: boolean }, ctx: ChangeContext): StripeInvoice {
    const record = this.liveInvoice(id);
    const { status } = record.invoice;
    if (status === 'draft') {
      throw stateError('You can only pay an invoice that has been finalized. Finalize this draft invoice first.');
    }
    if (status === 'paid') throw stateError('Invoice is already paid');
    if (status === 'void') throw stateError('This invoice has been voided and can no longer be paid.');
    if (!input.paidOutOfBand) {
      throw stateError(
        'This customer has no attached payment source or default payment method. Pay the invoice with paid_out_of_band=true instead (the Stripe emulator has no payment methods).',
      );
    }
    return this.transition(record, paidInvoice(record.invoice, unixSeconds()), ctx, [
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  }

  /** https://docs.stripe.com/api/invoices/void: open or uncollectible invoices; amounts are left as they were. */
  voidInvoice(id: string, ctx: ChangeContext): StripeInvoice {
    const record = this.liveInvoice(id);
    const { status } = record.invoice;
    if (status !== 'open' && status !== 'uncollectible') throw stateError(NOT_OPEN);
    return this.close(record, 'void', 'voided_at', 'invoice.voided', ctx);
  }

  markUncollectible(id: string, ctx: ChangeContext): StripeInvoice {
    const record = this.liveInvoice(id);
    const { status } = record.invoice;
    if (status === 'uncollectible') throw stateError('This invoice has already been marked uncollectible.');
    if (status !== 'open') throw stateError(NOT_OPEN);
    return this.close(record, 'uncollectible', 'marked_uncollectible_at', 'invoice.marked_uncollectible', ctx);
  }

  createItem(input: InvoiceItemCreateInput, ctx: ChangeContext): StripeInvoiceItem {
    this.host.liveCustomer(input.customer, 'customer');
    const invoice = input.invoice === undefined ? undefined : this.invoiceForNewItem(input);
    const record: ItemRecord = {
      seq: this.host.nextSeq(),
      item: newInvoiceItem(randomId('ii'), input, applyMetadata(emptyMetadata(), input.metadata), unixSeconds()),
      lineId: invoice ? randomId('il') : null,
      deleted: false,
    };
    this.items.set(record.item.id, record);
    this.host.emit('invoiceitem.created', record.item, ctx);
    if (invoice) {
      // Items added after the invoice was created come last, oldest first.
      invoice.itemIds.push(record.item.id);
      this.refreshLines(invoice, ctx);
    }
    return record.item;
  }

  retrieveItem(id: string): StripeInvoiceItem {
    return this.liveItem(id).item;
  }

  /**
   * Stripe has no `invoiceitem.updated` event any more; a change shows as `invoice.updated` of the draft the item is
   * on, and as nothing while the item is pending.
   */
  updateItem(id: string, input: InvoiceItemUpdateInput, ctx: ChangeContext): StripeInvoiceItem {
    const record = this.liveItem(id);
    const invoice = this.editableInvoiceOf(record, 'update');
    const { item } = record;
    record.item = {
      ...item,
      ...(input.amount !== undefined && { amount: input.amount }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.metadata && { metadata: applyMetadata(item.metadata, input.metadata) }),
    };
    if (invoice) this.refreshLines(invoice, ctx);
    return record.item;
  }

  deleteItem(id: string, ctx: ChangeContext): StripeDeletedInvoiceItem {
    const record = this.liveItem(id);
    const invoice = this.editableInvoiceOf(record, 'delete');
    record.deleted = true;
    this.host.emit('invoiceitem.deleted', record.item, ctx);
    if (invoice) {
      invoice.itemIds = invoice.itemIds.filter((itemId) => itemId !== id);
      this.refreshLines(invoice, ctx);
    }
    return { id, object: 'invoiceitem', deleted: true };
  }

  listItems(options: ListOptions, keep: (item: StripeInvoiceItem) => boolean): StripeList<StripeInvoiceItem> {
    return listLive(this.items, (record) => record.item, keep, options, {
      kind: 'invoiceitem',
      url: '/v1/invoiceitems',
    });
  }

  /** The draft a new item joins: it must be the same customer's and in the item's currency. */
  private invoiceForNewItem(input: InvoiceItemCreateInput): InvoiceRecord {
    const record = this.invoices.get(input.invoice ?? '');
    if (!record || record.deleted) throw resourceMissing('invoice', input.invoice ?? '', 'invoice');
    const { invoice } = record;
    if (invoice.customer !== input.customer) {
      throw stateError(
        `The invoice ${invoice.id} belongs to customer ${invoice.customer}, not ${input.customer}: an invoice item can only be added to an invoice of its own customer.`,
        { param: 'invoice' },
      );
    }
    if (invoice.status !== 'draft') {
      throw stateError(`You can only add invoice items to draft invoices. This invoice is ${invoice.status}.`, {
        code: 'invoice_not_editable',
        param: 'invoice',
      });
    }
    if (invoice.currency !== input.currency) {
      throw stateError(
        `The currency of the invoice item (${input.currency}) must match the currency of the invoice (${invoice.currency}).`,
        { param: 'currency' },
      );
    }
    return record;
  }

  /** The draft an item is on (undefined while pending); an item on a finalized invoice is frozen with it. */
  private editableInvoiceOf(record: ItemRecord, action: 'update' | 'delete'): InvoiceRecord | undefined {
    const invoice = record.item.invoice === null ? undefined : this.invoices.get(record.item.invoice);
    if (invoice && invoice.invoice.status !== 'draft') {
      throw stateError(
        `You can only ${action} invoice items that are pending or on a draft invoice. Invoice ${invoice.invoice.id} is ${invoice.invoice.status}.`,
        { code: 'invoice_not_editable' },
      );
    }
    return invoice;
  }

  private attach(record: ItemRecord, invoiceId: string): void {
    record.item = { ...record.item, invoice: invoiceId };
    record.lineId = randomId('il');
  }

  private linesOf(invoiceId: string, itemIds: string[]): StripeInvoiceLineItem[] {
    return itemIds.flatMap((itemId) => {
      const item = this.items.get(itemId);
      return item?.lineId ? [lineOf(item.item, item.lineId, invoiceId)] : [];
    });
  }

  /** After its items changed: new lines and totals, announced as `invoice.updated`. */
  private refreshLines(record: InvoiceRecord, ctx: ChangeContext): void {
    this.update(record, withLines(record.invoice, this.linesOf(record.invoice.id, record.itemIds)), ctx);
  }

  /** Stores `next` and emits `invoice.updated` with what changed; a change that changes nothing emits nothing. */
  private update(record: InvoiceRecord, next: StripeInvoice, ctx: ChangeContext): StripeInvoice {
    const previous = previousAttributes(record.invoice, next);
    if (Object.keys(previous).length === 0) return record.invoice;
    record.invoice = next;
    this.host.emit('invoice.updated', next, ctx, previous);
    return next;
  }

  private transition(
    record: InvoiceRecord,
    next: StripeInvoice,
    ctx: ChangeContext,
    events: StripeEventType[],
  ): StripeInvoice {
    record.invoice = next;
    for (const type of events) this.host.emit(type, next, ctx);
    return next;
  }

  /** Void or uncollectible: only the status and its timestamp change. */
  private close(
    record: InvoiceRecord,
    status: 'void' | 'uncollectible',
    stamp: 'voided_at' | 'marked_uncollectible_at',
    event: StripeEventType,
    ctx: ChangeContext,
  ): StripeInvoice {
    const { invoice } = record;
    const next = { ...invoice, status, status_transitions: { ...invoice.status_transitions, [stamp]: unixSeconds() } };
    return this.transition(record, next, ctx, [event]);
  }

  private liveInvoice(id: string): InvoiceRecord {
    const record = this.invoices.get(id);
    if (!record || record.deleted) throw resourceMissing('invoice', id);
    return record;
  }

  private liveItem(id: string): ItemRecord {
    const record = this.items.get(id);
    if (!record || record.deleted) throw resourceMissing('invoiceitem', id);
    return record;
  }
}

/** The non-deleted records' objects that `keep` accepts, as a page; deleted ones still work as cursors. */
function listLive<R extends { seq: number; deleted: boolean }, T>(
  records: Map<string, R>,
  valueOf: (record: R) => T,
  keep: (value: T) => boolean,
  options: ListOptions,
  resource: { kind: string; url: string },
): StripeList<T> {
  const matches: Sequenced<T>[] = [];
  for (const record of records.values()) {
    if (!record.deleted && keep(valueOf(record))) matches.push({ seq: record.seq, value: valueOf(record) });
  }
  return paginate(matches, options, (id) => records.get(id)?.seq, resource);
}
