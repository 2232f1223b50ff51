import type Stripe from 'stripe';
import { INVOICE, invoiceCatalog } from '../../catalogs/invoice/definition.js';
import type { InvoiceFields } from '../../catalogs/invoice/validation.js';
import { fieldsOf, type RecordSnapshot } from '../../core/catalog.js';
import type { EntityAdapter, RecordWrite, RemoteRecord, WriteResult } from '../../core/provider.js';
import { ProviderError } from '../../core/provider-error.js';
import { STRIPE_CALLS_IN_FLIGHT, STRIPE_WRITES_PER_CALL, writeSideBySide, type StripeApi } from './api.js';
import { isMissing, STRIPE, toProviderError } from './errors.js';
import {
  fromStripeInvoice,
  holdsUnreadValues,
  movesBetween,
  toStripeInvoiceCreateParams,
  toStripeInvoiceUpdateParams,
  toStripeItemParams,
  type StripeMove,
} from './invoice-mappers.js';
import { INTERNAL_ID_KEY } from './mappers.js';

type Write = RecordWrite<InvoiceFields>;
type Invoice = RecordSnapshot<InvoiceFields>;
type Options = { idempotencyKey: string };

/** The call that makes each move (https://docs.stripe.com/api/invoices/finalize and the ones after it). */
const MOVE: Record<StripeMove, (stripe: Stripe, id: string, options: Options) => Promise<Stripe.Invoice>> = {
  open: (stripe, id, o) => stripe.invoices.finalizeInvoice(id, { auto_advance: false }, o),
  // Paid outside Stripe: the catalog records a payment, it does not take one
  // (https://docs.stripe.com/api/invoices/pay#pay_invoice-paid_out_of_band).
  paid: (stripe, id, o) => stripe.invoices.pay(id, { paid_out_of_band: true }, o),
  void: (stripe, id, o) => stripe.invoices.voidInvoice(id, {}, o),
  uncollectible: (stripe, id, o) => stripe.invoices.markUncollectible(id, {}, o),
};

/**
 * Invoices <-> Stripe Invoices (https://docs.stripe.com/api/invoices). A create is a draft, the item carrying its
 * amount, then the moves to its status; each call has its own key derived from the write's, so a write repeated
 * after a lost reply repeats each step and Stripe answers with what it did the first time.
 */
export class StripeInvoiceAdapter implements EntityAdapter<InvoiceFields> {
  readonly entityType = INVOICE;
  readonly maxBatchSize = STRIPE_WRITES_PER_CALL;
  readonly maxCallsInFlight = STRIPE_CALLS_IN_FLIGHT;

  constructor(private readonly api: StripeApi) {}

  write(writes: Write[]): Promise<WriteResult[]> {
    return writeSideBySide(writes, 'invoice write', (w) => this.writeOne(w));
  }

  recordUrl(externalId: string): string | undefined {
    return this.api.dashboardUrl(`invoices/${encodeURIComponent(externalId)}`);
  }

  async fetch(externalId: string): Promise<RemoteRecord<InvoiceFields> | undefined> {
    // Stripe answers 404 for a deleted draft.
    const invoice = await this.api.read('invoice retrieve', (stripe) => stripe.invoices.retrieve(externalId));
    return invoice && fromStripeInvoice(invoice);
  }

  async *list(): AsyncIterable<RemoteRecord<InvoiceFields>> {
    for await (const inv of this.api.listAll('invoice list', (stripe, page) => stripe.invoices.list(page)))
      yield fromStripeInvoice(inv);
  }

  private async writeOne(w: Write): Promise<WriteResult> {
    if (w.op === 'delete') return { ok: true, externalId: await this.remove(w) };
    // The engine writes an invoice only once its customer is linked here (parents first).
    const customer = w.parentIds?.customerId;
    if (!customer)
      throw new ProviderError(STRIPE, `invoice ${w.record.id}: its customer has no Stripe id`, { retryable: true });
    if (!w.externalId) return this.create(w.record, customer, w.idempotencyKey);
    return this.update(w, w.externalId, customer);
  }

  /** A draft with its item, moved on to the record's status. */
  private async create(inv: Invoice, customer: string, key: string): Promise<WriteResult> {
    const made = await this.api.call('invoice create', (stripe) =>
      stripe.invoices.create(toStripeInvoiceCreateParams(inv, customer), { idempotencyKey: key }),
    );
    const id = made.id!;
    try {
      await this.api.call('invoice item create', (stripe) =>
        stripe.invoiceItems.create(toStripeItemParams(inv, customer, id), { idempotencyKey: `${key}:item` }),
      );
      return { ok: true, externalId: id, readBack: await this.move(id, 'draft', inv.status, key) };
    } catch (err) {
      // A repeated create whose draft was deleted at Stripe since the first send: that draft was its twin.
      if (isMissing(err))
        return { ok: false, error: toProviderError(err, 'invoice create'), gone: true, externalId: id };
      throw err;
    }
  }

  private async update(w: Write, id: string, customer: string): Promise<WriteResult> {
    const inv = w.record;
    const changed = w.changed ?? fieldsOf(invoiceCatalog, inv);
    const touches = (f: keyof InvoiceFields) => changed[f] !== undefined;
    if (Object.keys(changed).length === 0 && !w.ourIdMissing) return { ok: true, externalId: id };
    let current: Stripe.Invoice | undefined;
    if (touches('status') || touches('amountCents') || touches('currency') || touches('customerId')) {
      current = await this.api.read('invoice retrieve', (stripe) => stripe.invoices.retrieve(id));
      // Gone: deleted at Stripe, unless a replacement of ours holds it (below, after a lost reply).
      if (!current) return this.replacementOf(inv, customer, id);
      // Stripe cannot change a draft's customer or currency: a new draft replaces it.
      const customerNow = typeof current.customer === 'string' ? current.customer : current.customer?.id;
      if (current.status === 'draft' && (current.currency !== inv.currency.toLowerCase() || customerNow !== customer))
        return this.replace(inv, customer, id, w.idempotencyKey);
      if ((touches('amountCents') || touches('currency')) && current.total !== inv.amountCents)
        await this.setAmount(current, inv, customer, w.idempotencyKey);
    }
    const params = toStripeInvoiceUpdateParams(inv, changed, w.ourIdMissing ?? false);
    if (params)
      await this.api.call('invoice update', (stripe) =>
        stripe.invoices.update(id, params, { idempotencyKey: w.idempotencyKey }),
      );
    const moved = current ? await this.move(id, current.status ?? 'draft', inv.status, w.idempotencyKey) : false;
    return { ok: true, externalId: id, readBack: moved || (!!current && holdsUnreadValues(current, inv)) };
  }

  /**
   * Moves the invoice from `from` to `to` one call at a time. True when Stripe may hold values we did not send: it
   * numbers an invoice when finalizing it, and may go further than asked (an invoice with nothing to pay is paid on
   * finalizing).
   */
  private async move(id: string, from: string, to: string, key: string): Promise<boolean> {
    const moves = movesBetween(from, to);
    if (!moves)
      throw new ProviderError(STRIPE, `Stripe's invoice ${id} is ${from}; Stripe cannot make it ${to}`, {
        retryable: false,
      });
    for (const next of moves) {
      const after = await this.api.call(`invoice ${next}`, (stripe) =>
        MOVE[next](stripe, id, { idempotencyKey: `${key}:${next}` }),
      );
      if (after.status !== next) return true;
    }
    return moves.includes('open');
  }

  /**
   * The invoice's items come to one item of the amount (a draft made in the dashboard may have several). Only a
   * draft's amount can change (https://docs.stripe.com/api/invoices/update); the catalog freezes it too, so a
   * difference on a finalized invoice is a finalize at Stripe that crossed our edit, and fails visibly.
   */
  private async setAmount(current: Stripe.Invoice, inv: Invoice, customer: string, key: string): Promise<void> {
    const id = current.id!;
    if (current.status !== 'draft')
      throw new ProviderError(STRIPE, `Stripe's invoice ${id} is ${current.status}: its amount can no longer change`, {
        retryable: false,
      });
    const items = await this.api.call('invoice item list', (stripe) =>
      stripe.invoiceItems.list({ invoice: id, limit: 100 }),
    );
    const [first, ...rest] = items.data;
    await this.api.call('invoice item write', async (stripe) => {
      if (first)
        await stripe.invoiceItems.update(first.id, { amount: inv.amountCents }, { idempotencyKey: `${key}:item` });
      else await stripe.invoiceItems.create(toStripeItemParams(inv, customer, id), { idempotencyKey: `${key}:item` });
      for (const extra of rest) await stripe.invoiceItems.del(extra.id);
    });
  }

  /** A new draft for the new customer or currency, then the old one deleted. */
  private async replace(inv: Invoice, customer: string, oldId: string, key: string): Promise<WriteResult> {
    const made = await this.create(inv, customer, `${key}:replace`);
    if (made.ok) await this.deleteDraft(oldId);
    return made.ok ? { ...made, readBack: true } : made;
  }

  /**
   * The linked invoice is gone. If this write had replaced it before its reply was lost, the replacement (a draft
   * carrying our id) is the twin; otherwise it was deleted at Stripe.
   */
  private async replacementOf(inv: Invoice, customer: string, id: string): Promise<WriteResult> {
    const ours = await this.api.call('invoice lookup', (stripe) => stripe.invoices.list({ customer, limit: 100 }));
    const replacement = ours.data.find((i) => i.metadata?.[INTERNAL_ID_KEY] === inv.id && i.id !== id);
    if (replacement) return { ok: true, externalId: replacement.id!, readBack: true };
    const error = new ProviderError(STRIPE, `Stripe invoice ${id} no longer exists`, { status: 404, retryable: false });
    return { ok: false, error, gone: true };
  }

  /**
   * Stripe deletes only drafts (https://docs.stripe.com/api/invoices/delete). The catalog deletes only drafts too,
   * so a finalized one here was finalized at Stripe while our delete was on its way: it is voided, the nearest
   * thing to a delete for a finalized invoice.
   */
  private async remove(w: Write): Promise<string | null> {
    if (!w.externalId) return null;
    const id = w.externalId;
    if (await this.deleteDraft(id)) return id;
    const current = await this.api.read('invoice retrieve', (stripe) => stripe.invoices.retrieve(id));
    if (current && (current.status === 'open' || current.status === 'uncollectible'))
      await this.api.call('invoice void', (stripe) =>
        MOVE.void(stripe, id, { idempotencyKey: `${w.idempotencyKey}:void` }),
      );
    return id;
  }

  /** Deletes a draft; true when it is gone (already, too), false when Stripe refused because it is not a draft. */
  private async deleteDraft(id: string): Promise<boolean> {
    try {
      await this.api.call('invoice delete', (stripe) => stripe.invoices.del(id));
      return true;
    } catch (err) {
      if (isMissing(err)) return true;
      if (err instanceof ProviderError && err.status === 400) return false;
      throw err;
    }
  }
}
