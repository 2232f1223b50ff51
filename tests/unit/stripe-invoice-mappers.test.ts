import type Stripe from 'stripe';
import { STRIPE_KEY_PREFIX } from '../../src/providers/stripe/api.js';
import {
  DEFAULT_DAYS_UNTIL_DUE,
  fromStripeInvoice,
  fromTimestamp,
  holdsUnreadValues,
  movesBetween,
  toDueTimestamp,
  toStripeInvoiceCreateParams,
  toStripeInvoiceUpdateParams,
  toStripeItemParams,
} from '../../src/providers/stripe/invoice-mappers.js';
import { parseStripeEvent } from '../../src/providers/stripe/webhook.js';

const record = {
  id: 'i1',
  customerId: 'c1',
  number: null,
  amountCents: 1234,
  currency: 'EUR',
  status: 'draft',
  description: 'Consulting',
  dueDate: '2027-01-31',
  version: 1,
  deleted: false,
};

const stripeInvoice = (over: Partial<Stripe.Invoice> = {}) =>
  ({
    id: 'in_1',
    object: 'invoice',
    customer: 'cus_1',
    number: 'ABCD1234-0001',
    total: 1234,
    currency: 'eur',
    status: 'open',
    description: 'Consulting',
    due_date: toDueTimestamp('2027-01-31'),
    metadata: { internal_id: 'i1' },
    ...over,
  }) as Stripe.Invoice;

describe('Stripe invoice mappers', () => {
  it('finds the moves between two statuses, and none where Stripe cannot go', () => {
    expect(movesBetween('draft', 'draft')).toEqual([]);
    expect(movesBetween('draft', 'open')).toEqual(['open']);
    expect(movesBetween('draft', 'paid')).toEqual(['open', 'paid']);
    expect(movesBetween('open', 'uncollectible')).toEqual(['uncollectible']);
    expect(movesBetween('uncollectible', 'void')).toEqual(['void']);
    expect(movesBetween('draft', 'void')).toEqual(['open', 'void']);
    expect(movesBetween('paid', 'void')).toBeUndefined();
    expect(movesBetween('open', 'draft')).toBeUndefined();
    expect(movesBetween('void', 'paid')).toBeUndefined();
  });

  it('keeps a due day the same day through Stripe timestamps', () => {
    expect(fromTimestamp(toDueTimestamp('2027-01-31'))).toBe('2027-01-31');
    expect(fromTimestamp(toDueTimestamp('2024-02-29'))).toBe('2024-02-29');
    expect(fromTimestamp(null)).toBeNull();
  });

  it('makes a sent draft with our id, the due date or Stripe default days, and an item carrying the amount', () => {
    expect(toStripeInvoiceCreateParams(record, 'cus_1')).toEqual({
      customer: 'cus_1',
      collection_method: 'send_invoice',
      due_date: toDueTimestamp('2027-01-31'),
      currency: 'eur',
      auto_advance: false,
      pending_invoice_items_behavior: 'exclude',
      description: 'Consulting',
      metadata: { internal_id: 'i1' },
    });
    const undated = toStripeInvoiceCreateParams({ ...record, dueDate: null, description: null }, 'cus_1');
    expect(undated).toMatchObject({ days_until_due: DEFAULT_DAYS_UNTIL_DUE });
    expect(undated).not.toHaveProperty('due_date');
    expect(undated).not.toHaveProperty('description');
    expect(toStripeItemParams(record, 'cus_1', 'in_1')).toEqual({
      customer: 'cus_1',
      invoice: 'in_1',
      amount: 1234,
      currency: 'eur',
      metadata: { internal_id: 'i1' },
    });
  });

  it('updates in place only what Stripe edits in place', () => {
    expect(toStripeInvoiceUpdateParams(record, { description: null }, false)).toEqual({ description: '' });
    expect(toStripeInvoiceUpdateParams(record, { dueDate: '2027-02-01' }, true)).toEqual({
      due_date: toDueTimestamp('2027-02-01'),
      metadata: { internal_id: 'i1' },
    });
    // Amount, currency and status have calls of their own; a cleared due date leaves Stripe's.
    expect(toStripeInvoiceUpdateParams(record, { amountCents: 5, status: 'open', dueDate: null }, false)).toBe(
      undefined,
    );
  });

  it('knows when Stripe holds values it assigned that the record lacks', () => {
    const numbered = { ...record, number: 'ABCD1234-0001', status: 'open' };
    expect(holdsUnreadValues(stripeInvoice(), numbered)).toBe(false);
    expect(holdsUnreadValues(stripeInvoice(), record)).toBe(true); // the number
    expect(holdsUnreadValues(stripeInvoice({ due_date: toDueTimestamp('2027-03-01') }), numbered)).toBe(true);
    expect(holdsUnreadValues(stripeInvoice({ number: null, due_date: null, status: 'draft' }), record)).toBe(false);
  });

  it('reads Stripe invoices in our fields, with Stripe customer ids for the engine to translate', () => {
    expect(fromStripeInvoice(stripeInvoice())).toEqual({
      externalId: 'in_1',
      internalId: 'i1',
      deleted: false,
      values: {
        customerId: 'cus_1',
        number: 'ABCD1234-0001',
        amountCents: 1234,
        currency: 'eur',
        status: 'open',
        description: 'Consulting',
        dueDate: '2027-01-31',
      },
    });
    const expanded = stripeInvoice({ customer: { id: 'cus_2' } as Stripe.Customer, metadata: {}, due_date: null });
    expect(fromStripeInvoice(expanded)).toMatchObject({
      internalId: null,
      values: { customerId: 'cus_2', dueDate: null },
    });
    expect(fromStripeInvoice({ id: 'in_2', object: 'invoice', deleted: true })).toEqual({
      externalId: 'in_2',
      internalId: null,
      deleted: true,
      values: {},
    });
  });
});

describe('Stripe invoice events', () => {
  const event = (type: string, object: unknown, key: string | null = null) => ({
    id: 'evt_1',
    type,
    data: { object },
    request: { id: 'req_1', idempotency_key: key },
  });

  it('each lifecycle event announces the invoice; ours are marked; deletes keep our id', () => {
    for (const type of ['created', 'updated', 'finalized', 'paid', 'voided', 'marked_uncollectible']) {
      const [change] = parseStripeEvent(event(`invoice.${type}`, stripeInvoice()), STRIPE_KEY_PREFIX);
      expect(change).toMatchObject({ entityType: 'INVOICE', externalId: 'in_1', markedOurs: false });
      expect(change!.announced).toMatchObject({ internalId: 'i1', values: { status: 'open' } });
    }
    const [ours] = parseStripeEvent(
      event('invoice.paid', stripeInvoice(), `${STRIPE_KEY_PREFIX}e:update`),
      STRIPE_KEY_PREFIX,
    );
    expect(ours!.markedOurs).toBe(true);
    const [deleted] = parseStripeEvent(event('invoice.deleted', stripeInvoice({ status: 'draft' })), STRIPE_KEY_PREFIX);
    expect(deleted!.announced).toEqual({ externalId: 'in_1', internalId: 'i1', deleted: true, values: {} });
  });

  it('ignores invoice item and payment events (the invoice event that comes with them says it all)', () => {
    expect(parseStripeEvent(event('invoiceitem.created', { id: 'ii_1', object: 'invoiceitem' }), 'x')).toEqual([]);
    expect(parseStripeEvent(event('invoice.payment_succeeded', stripeInvoice()), 'x')).toEqual([]);
  });
});
