import type Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';
import { stripeFor } from './helpers.js';

describe('Stripe emulator: invoice items and invoice lines through stripe-node', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let customer: Stripe.Customer;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    stripe = stripeFor(emulator);
  });
  beforeEach(async () => {
    customer = await stripe.customers.create({ name: 'Billed' });
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const newDraft = (currency = 'usd') =>
    stripe.invoices.create({ customer: customer.id, currency, auto_advance: false });
  const addItem = (invoice: string | undefined, amount: number, extra: Partial<Stripe.InvoiceItemCreateParams> = {}) =>
    stripe.invoiceItems.create({
      customer: customer.id,
      ...(invoice && { invoice }),
      amount,
      currency: 'usd',
      ...extra,
    });

  it('adds an item to a draft: Stripe-shaped item and line, and recomputed totals', async () => {
    const invoice = await newDraft();

    const item = await addItem(invoice.id, 1500, { description: 'Consulting', metadata: { internal_id: '9' } });

    expect(item).toMatchObject({
      object: 'invoiceitem',
      customer: customer.id,
      invoice: invoice.id,
      amount: 1500,
      currency: 'usd',
      description: 'Consulting',
      metadata: { internal_id: '9' },
      livemode: false,
    });
    expect(item.id).toMatch(/^ii_/);
    expect(item.date).toBeGreaterThanOrEqual(invoice.created);

    const updated = await stripe.invoices.retrieve(invoice.id);
    expect(updated).toMatchObject({ subtotal: 1500, total: 1500, amount_due: 1500, amount_remaining: 1500 });
    expect(updated.lines).toMatchObject({ object: 'list', has_more: false, url: `/v1/invoices/${invoice.id}/lines` });
    const [line] = updated.lines.data;
    expect(line).toMatchObject({
      object: 'line_item',
      amount: 1500,
      currency: 'usd',
      description: 'Consulting',
      invoice: invoice.id,
      metadata: { internal_id: '9' },
      parent: { type: 'invoice_item_details', invoice_item_details: { invoice_item: item.id } },
    });
    expect(line?.id).toMatch(/^il_/);
    expect(await stripe.invoiceItems.retrieve(item.id)).toEqual(item);
  });

  it('updates and deletes items on a draft, and the totals follow; a credit leaves nothing due', async () => {
    const invoice = await newDraft();
    const item = await addItem(invoice.id, 1500);
    await addItem(invoice.id, 500);

    expect(await stripe.invoiceItems.update(item.id, { amount: 2500, description: 'Raised' })).toMatchObject({
      amount: 2500,
      description: 'Raised',
    });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ total: 3000, amount_due: 3000 });

    expect(await stripe.invoiceItems.del(item.id)).toEqual({ id: item.id, object: 'invoiceitem', deleted: true });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ total: 500, amount_due: 500 });
    await expect(stripe.invoiceItems.retrieve(item.id)).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });

    await addItem(invoice.id, -800, { description: 'Credit' });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ total: -300, amount_due: 0 });
  });

  it('keeps items pending until an invoice includes them; exclude (the default) leaves them pending', async () => {
    const older = await addItem(undefined, 100);
    const newer = await addItem(undefined, 200);
    await addItem(undefined, 300, { currency: 'eur' });
    expect(older.invoice).toBeNull();

    const excluded = await newDraft();
    expect(excluded.lines.data).toEqual([]);

    const included = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });
    // Only the items in the invoice's currency, newest first.
    expect(included.lines.data.map((line) => line.parent?.invoice_item_details?.invoice_item)).toEqual([
      newer.id,
      older.id,
    ]);
    expect(included.total).toBe(300);
    expect((await stripe.invoiceItems.retrieve(older.id)).invoice).toBe(included.id);

    const pending = await stripe.invoiceItems.list({ pending: true });
    expect(pending.data.map((item) => item.currency)).toEqual(['eur']);
    const onInvoice = await stripe.invoiceItems.list({ invoice: included.id });
    expect(onInvoice.data.map((item) => item.id)).toEqual([newer.id, older.id]);
    expect((await stripe.invoiceItems.list({ customer: customer.id })).data).toHaveLength(3);
    expect((await stripe.invoiceItems.list({ customer: 'cus_other' })).data).toEqual([]);
  });

  it('refuses an item whose currency differs from its invoice, naming both currencies', async () => {
    const invoice = await newDraft('eur');

    await expect(addItem(invoice.id, 100)).rejects.toMatchObject({
      statusCode: 400,
      param: 'currency',
      message: expect.stringMatching(/\(usd\).*\(eur\)/),
    });
    expect((await stripe.invoices.retrieve(invoice.id)).lines.data).toEqual([]);
  });

  it('refuses to add, change or delete items of a finalized invoice', async () => {
    const invoice = await newDraft();
    const item = await addItem(invoice.id, 1000);
    await stripe.invoices.finalizeInvoice(invoice.id);
    const notEditable = { statusCode: 400, code: 'invoice_not_editable' };

    await expect(addItem(invoice.id, 100)).rejects.toMatchObject({
      ...notEditable,
      message: expect.stringContaining('You can only add invoice items to draft invoices.'),
    });
    await expect(stripe.invoiceItems.update(item.id, { amount: 1 })).rejects.toMatchObject(notEditable);
    await expect(stripe.invoiceItems.del(item.id)).rejects.toMatchObject(notEditable);
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: 'open', total: 1000 });
  });

  it('refuses items for another customer, unknown invoices and customers, and bad amounts', async () => {
    const invoice = await newDraft();
    const stranger = await stripe.customers.create({ name: 'Stranger' });
    const cases: Array<[Stripe.InvoiceItemCreateParams, Record<string, unknown>]> = [
      [
        { customer: stranger.id, invoice: invoice.id, amount: 1, currency: 'usd' },
        { statusCode: 400, param: 'invoice', message: expect.stringContaining(customer.id) },
      ],
      [
        { customer: customer.id, invoice: 'in_missing0000000', amount: 1, currency: 'usd' },
        { statusCode: 404, code: 'resource_missing', param: 'invoice' },
      ],
      [
        { customer: 'cus_missing0000000', amount: 1, currency: 'usd' },
        { statusCode: 404, code: 'resource_missing', param: 'customer' },
      ],
      [
        { customer: customer.id, currency: 'usd' },
        { statusCode: 400, code: 'parameter_missing', param: 'amount' },
      ],
      [
        { customer: customer.id, amount: 1 },
        { statusCode: 400, code: 'parameter_missing', param: 'currency' },
      ],
      [
        { customer: customer.id, amount: 100_000_000, currency: 'usd' },
        { statusCode: 400, code: 'amount_too_large', param: 'amount' },
      ],
      [
        { customer: customer.id, amount: 1, currency: 'usd', quantity: 2 },
        { statusCode: 400, code: 'parameter_unknown', param: 'quantity' },
      ],
    ];
    for (const [params, error] of cases) {
      await expect(stripe.invoiceItems.create(params)).rejects.toMatchObject(error);
    }
    expect((await stripe.invoiceItems.list()).data).toEqual([]);
  });

  it('embeds the first 10 lines and pages through all of them at lines.url', async () => {
    const invoice = await newDraft();
    const items: string[] = [];
    for (let i = 0; i < 12; i += 1) items.push((await addItem(invoice.id, 100 + i)).id);

    const fetched = await stripe.invoices.retrieve(invoice.id);
    expect(fetched.lines.data).toHaveLength(10);
    expect(fetched.lines.has_more).toBe(true);
    expect(fetched.total).toBe(12 * 100 + 66);

    const lines: string[] = [];
    for await (const line of stripe.invoices.listLineItems(invoice.id, { limit: 5 })) {
      lines.push(line.parent?.invoice_item_details?.invoice_item ?? '');
    }
    // Items added after the invoice was created are listed in the order they were added.
    expect(lines).toEqual(items);
  });

  it('paginates invoice items newest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.push((await addItem(undefined, i + 1)).id);

    const first = await stripe.invoiceItems.list({ limit: 2 });
    expect(first).toMatchObject({ object: 'list', has_more: true, url: '/v1/invoiceitems' });
    const all: string[] = [];
    for await (const item of stripe.invoiceItems.list({ limit: 2 })) all.push(item.id);
    expect(all).toEqual([...created].reverse());
  });
});
