import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';
import { stripeFor } from './helpers.js';

const DAY = 24 * 60 * 60;
const NOT_OPEN = "You can only pass in open invoices. This invoice isn't open.";

describe('Stripe emulator: invoices through stripe-node', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    stripe = stripeFor(emulator);
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  /** A customer and a send_invoice draft for them, the way the connector creates invoices. */
  async function draft(params: Partial<Stripe.InvoiceCreateParams> = {}, amount?: number) {
    const customer = await stripe.customers.create({ name: 'Billed' });
    const invoice = await stripe.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 30,
      auto_advance: false,
      ...params,
    });
    if (amount !== undefined) {
      await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount, currency: 'usd' });
    }
    return { customer, invoice };
  }

  async function open(amount = 1500) {
    const { customer, invoice } = await draft({}, amount);
    return { customer, invoice: await stripe.invoices.finalizeInvoice(invoice.id) };
  }

  it('creates a send_invoice draft with Stripe-shaped fields and a due date days_until_due from now', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { customer, invoice } = await draft({ description: 'March', metadata: { internal_id: '7' } });

    expect(invoice).toMatchObject({
      object: 'invoice',
      customer: customer.id,
      currency: 'usd',
      status: 'draft',
      collection_method: 'send_invoice',
      description: 'March',
      metadata: { internal_id: '7' },
      number: null,
      auto_advance: false,
      subtotal: 0,
      total: 0,
      amount_due: 0,
      amount_paid: 0,
      amount_remaining: 0,
      lines: { object: 'list', data: [], has_more: false, url: `/v1/invoices/${invoice.id}/lines` },
      status_transitions: { finalized_at: null, paid_at: null, voided_at: null, marked_uncollectible_at: null },
      livemode: false,
    });
    expect(invoice.id).toMatch(/^in_[A-Za-z0-9]{14}$/);
    expect(invoice.created).toBeGreaterThanOrEqual(before);
    expect(invoice.due_date).toBe(invoice.created + 30 * DAY);
    // The pinned API version has neither field (stripe-node's Stripe.Invoice does not list them).
    expect(invoice).not.toHaveProperty('paid');
    expect(invoice).not.toHaveProperty('days_until_due');

    expect(await stripe.invoices.retrieve(invoice.id)).toEqual(invoice);
    expect(emulator.invoices()).toEqual([invoice]);
  });

  it('takes a fixed due_date, lower-cases the currency and defaults to charge_automatically', async () => {
    const dueDate = Math.floor(Date.now() / 1000) + 10 * DAY;
    const { customer, invoice } = await draft({ days_until_due: undefined, due_date: dueDate, currency: 'EUR' });
    expect(invoice).toMatchObject({ due_date: dueDate, currency: 'eur' });

    const charged = await stripe.invoices.create({ customer: customer.id });
    expect(charged).toMatchObject({ collection_method: 'charge_automatically', due_date: null, currency: 'usd' });
  });

  it('refuses invalid creates in Stripe words without storing anything', async () => {
    const customer = await stripe.customers.create({ name: 'Not billed' });
    const past = Math.floor(Date.now() / 1000) - DAY;
    const cases: Array<[Stripe.InvoiceCreateParams, Record<string, unknown>]> = [
      [{}, { statusCode: 400, code: 'parameter_missing', param: 'customer' }],
      [
        { customer: 'cus_missing0000000' },
        {
          statusCode: 404,
          code: 'resource_missing',
          param: 'customer',
          message: "No such customer: 'cus_missing0000000'",
        },
      ],
      [
        { customer: customer.id, collection_method: 'send_invoice' },
        {
          statusCode: 400,
          message: "If invoice collection method is 'send_invoice', you must specify 'due_date' or 'days_until_due'.",
        },
      ],
      [
        { customer: customer.id, days_until_due: 30 },
        {
          statusCode: 400,
          message:
            "You can only specify 'due_date' or 'days_until_due' if invoice collection method is 'send_invoice'.",
        },
      ],
      [
        { customer: customer.id, collection_method: 'send_invoice', days_until_due: 3, due_date: past + 9 * DAY },
        { statusCode: 400, message: 'You may only specify one of these parameters: days_until_due, due_date.' },
      ],
      [
        { customer: customer.id, collection_method: 'send_invoice', due_date: past },
        { statusCode: 400, param: 'due_date', message: expect.stringContaining('in the future') },
      ],
      [
        { customer: customer.id, currency: 'euro' },
        { statusCode: 400, param: 'currency' },
      ],
      [
        { customer: customer.id, collection_method: 'by_pigeon' as 'send_invoice' },
        { statusCode: 400, message: 'Invalid collection_method: must be one of charge_automatically or send_invoice' },
      ],
      [
        { customer: customer.id, footer: 'typo' } as Stripe.InvoiceCreateParams,
        { statusCode: 400, code: 'parameter_unknown', param: 'footer', type: 'StripeInvalidRequestError' },
      ],
    ];
    for (const [params, error] of cases) await expect(stripe.invoices.create(params)).rejects.toMatchObject(error);
    expect(emulator.invoices()).toEqual([]);
  });

  it('updates a draft: description, merged metadata, due terms and collection method', async () => {
    const { invoice } = await draft({ metadata: { a: '1', b: '2' } });

    const updated = await stripe.invoices.update(invoice.id, {
      description: 'Renamed',
      metadata: { b: '', c: '3' },
      days_until_due: 5,
    });
    expect(updated).toMatchObject({ description: 'Renamed', metadata: { a: '1', c: '3' } });
    expect(updated.due_date).toBe(invoice.created + 5 * DAY);

    const charged = await stripe.invoices.update(invoice.id, { collection_method: 'charge_automatically' });
    expect(charged).toMatchObject({ collection_method: 'charge_automatically', due_date: null });

    await expect(stripe.invoices.update(invoice.id, { collection_method: 'send_invoice' })).rejects.toMatchObject({
      statusCode: 400,
      message: "If invoice collection method is 'send_invoice', you must specify 'due_date' or 'days_until_due'.",
    });
    const cleared = await stripe.invoices.update(invoice.id, { description: '', metadata: '' });
    expect(cleared).toMatchObject({ description: null, metadata: {} });
  });

  it('finalizes: number from the customer prefix and sequence, open, due date counted from finalization', async () => {
    const { customer, invoice } = await draft({}, 1500);
    const before = Math.floor(Date.now() / 1000);

    const finalized = await stripe.invoices.finalizeInvoice(invoice.id);

    expect(finalized).toMatchObject({
      status: 'open',
      number: `${customer.invoice_prefix}-0001`,
      total: 1500,
      amount_due: 1500,
      amount_paid: 0,
      amount_remaining: 1500,
    });
    const finalizedAt = finalized.status_transitions.finalized_at ?? 0;
    expect(finalizedAt).toBeGreaterThanOrEqual(before);
    expect(finalized.due_date).toBe(finalizedAt + 30 * DAY);

    const second = await stripe.invoices.create({ customer: customer.id, auto_advance: false });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: second.id, amount: 1, currency: 'usd' });
    expect((await stripe.invoices.finalizeInvoice(second.id)).number).toBe(`${customer.invoice_prefix}-0002`);
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      next_invoice_sequence: 3,
    });
  });

  it('pays an open invoice out of band', async () => {
    const { invoice } = await open(1500);

    const paid = await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });

    expect(paid).toMatchObject({ status: 'paid', amount_due: 1500, amount_paid: 1500, amount_remaining: 0 });
    expect(paid.status_transitions.paid_at).toBeGreaterThanOrEqual(paid.status_transitions.finalized_at ?? Infinity);
  });

  it('voids an open invoice and leaves its amounts as they were', async () => {
    const { invoice } = await open(1500);

    const voided = await stripe.invoices.voidInvoice(invoice.id);

    expect(voided).toMatchObject({ status: 'void', amount_due: 1500, amount_remaining: 1500 });
    expect(voided.status_transitions.voided_at).not.toBeNull();
  });

  it('marks an open invoice uncollectible, which can then still be paid or voided', async () => {
    const first = await open(1500);
    const uncollectible = await stripe.invoices.markUncollectible(first.invoice.id);
    expect(uncollectible.status).toBe('uncollectible');
    expect(uncollectible.status_transitions.marked_uncollectible_at).not.toBeNull();
    expect(await stripe.invoices.pay(first.invoice.id, { paid_out_of_band: true })).toMatchObject({
      status: 'paid',
      amount_paid: 1500,
    });

    const second = await open(700);
    await stripe.invoices.markUncollectible(second.invoice.id);
    expect((await stripe.invoices.voidInvoice(second.invoice.id)).status).toBe('void');
  });

  it('marks an invoice with nothing due paid as soon as it is finalized', async () => {
    const { invoice } = await draft();

    const finalized = await stripe.invoices.finalizeInvoice(invoice.id);

    expect(finalized).toMatchObject({ status: 'paid', amount_due: 0, amount_paid: 0, amount_remaining: 0 });
    expect(finalized.number).not.toBeNull();
    expect(finalized.status_transitions.paid_at).toBe(finalized.status_transitions.finalized_at);
  });

  it('refuses every transition the lifecycle forbids, with a 400 in Stripe words', async () => {
    const drafted = (await draft({}, 100)).invoice.id;
    const opened = (await open()).invoice.id;
    const paid = (await open()).invoice.id;
    await stripe.invoices.pay(paid, { paid_out_of_band: true });
    const voided = (await open()).invoice.id;
    await stripe.invoices.voidInvoice(voided);
    const uncollectible = (await open()).invoice.id;
    await stripe.invoices.markUncollectible(uncollectible);
    const refinalize = "This invoice is already finalized, you can't re-finalize a non-draft invoice.";

    const cases: Array<[string, () => Promise<unknown>, string]> = [
      ['finalize open', () => stripe.invoices.finalizeInvoice(opened), refinalize],
      ['finalize paid', () => stripe.invoices.finalizeInvoice(paid), refinalize],
      ['pay draft', () => stripe.invoices.pay(drafted, { paid_out_of_band: true }), 'has been finalized'],
      ['pay paid', () => stripe.invoices.pay(paid, { paid_out_of_band: true }), 'Invoice is already paid'],
      ['pay void', () => stripe.invoices.pay(voided, { paid_out_of_band: true }), 'voided'],
      ['pay with a card', () => stripe.invoices.pay(opened), 'no attached payment source'],
      ['void draft', () => stripe.invoices.voidInvoice(drafted), NOT_OPEN],
      ['void paid', () => stripe.invoices.voidInvoice(paid), NOT_OPEN],
      ['void void', () => stripe.invoices.voidInvoice(voided), NOT_OPEN],
      ['uncollectible draft', () => stripe.invoices.markUncollectible(drafted), NOT_OPEN],
      ['uncollectible paid', () => stripe.invoices.markUncollectible(paid), NOT_OPEN],
      ['uncollectible void', () => stripe.invoices.markUncollectible(voided), NOT_OPEN],
      ['uncollectible again', () => stripe.invoices.markUncollectible(uncollectible), 'already been marked'],
      ['delete open', () => stripe.invoices.del(opened), 'You can only delete draft invoices.'],
      ['delete paid', () => stripe.invoices.del(paid), 'You can only delete draft invoices.'],
    ];
    for (const [name, call, message] of cases) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect([name, error]).toEqual([name, expect.any(Stripe.errors.StripeInvalidRequestError)]);
      expect([name, (error as Stripe.errors.StripeError).statusCode]).toEqual([name, 400]);
      expect([name, (error as Stripe.errors.StripeError).message]).toEqual([name, expect.stringContaining(message)]);
    }
    expect(emulator.invoices().map((i) => i.status)).toEqual(['uncollectible', 'void', 'paid', 'open', 'draft']);
  });

  it('lets a finalized invoice change only description, metadata and (while open) due_date', async () => {
    const { invoice } = await open();
    const later = Math.floor(Date.now() / 1000) + 60 * DAY;

    const edited = await stripe.invoices.update(invoice.id, {
      description: 'Still editable',
      metadata: { note: 'x' },
      due_date: later,
    });
    expect(edited).toMatchObject({ status: 'open', description: 'Still editable', metadata: { note: 'x' } });
    expect(edited.due_date).toBe(later);

    for (const [param, params] of [
      ['collection_method', { collection_method: 'charge_automatically' }],
      ['days_until_due', { days_until_due: 3 }],
      ['auto_advance', { auto_advance: true }],
    ] as Array<[string, Stripe.InvoiceUpdateParams]>) {
      await expect(stripe.invoices.update(invoice.id, params)).rejects.toMatchObject({
        statusCode: 400,
        code: 'invoice_not_editable',
        param,
        message: expect.stringContaining("Finalized invoices can't be updated"),
      });
    }

    await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
    await expect(stripe.invoices.update(invoice.id, { due_date: later + DAY })).rejects.toMatchObject({
      statusCode: 400,
      code: 'invoice_not_editable',
      param: 'due_date',
    });
    expect(await stripe.invoices.update(invoice.id, { description: 'After payment' })).toMatchObject({
      status: 'paid',
      description: 'After payment',
    });
  });

  it('deletes a draft with its items; afterwards the invoice and its items answer 404', async () => {
    const { customer, invoice } = await draft();
    const item = await stripe.invoiceItems.create({
      customer: customer.id,
      invoice: invoice.id,
      amount: 500,
      currency: 'usd',
    });

    expect(await stripe.invoices.del(invoice.id)).toEqual({ id: invoice.id, object: 'invoice', deleted: true });

    await expect(stripe.invoices.retrieve(invoice.id)).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: `No such invoice: '${invoice.id}'`,
    });
    await expect(stripe.invoices.del(invoice.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(stripe.invoices.finalizeInvoice(invoice.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(stripe.invoiceItems.retrieve(item.id)).rejects.toMatchObject({ statusCode: 404 });
    expect(emulator.invoices()).toEqual([]);
  });

  it('lists newest first with customer, status and created filters, and paginates', async () => {
    const { customer, invoice: first } = await draft();
    const other = await draft();
    const second = await stripe.invoices.create({ customer: customer.id });
    const third = await stripe.invoices.create({ customer: customer.id });
    await stripe.invoices.finalizeInvoice(third.id);

    const ids = async (params: Stripe.InvoiceListParams) => (await stripe.invoices.list(params)).data.map((i) => i.id);
    expect(await ids({})).toEqual([third.id, second.id, other.invoice.id, first.id]);
    expect(await ids({ customer: customer.id })).toEqual([third.id, second.id, first.id]);
    expect(await ids({ status: 'draft' })).toEqual([second.id, other.invoice.id, first.id]);
    expect(await ids({ status: 'paid', customer: customer.id })).toEqual([third.id]);
    expect(await ids({ created: { gte: first.created } })).toHaveLength(4);
    expect(await ids({ created: { lt: first.created } })).toEqual([]);

    const page = await stripe.invoices.list({ limit: 2 });
    expect(page).toMatchObject({ object: 'list', has_more: true, url: '/v1/invoices' });
    // A deleted draft still works as a cursor.
    await stripe.invoices.del(second.id);
    expect(await ids({ starting_after: second.id })).toEqual([other.invoice.id, first.id]);
    const all: string[] = [];
    for await (const invoice of stripe.invoices.list({ limit: 1 })) all.push(invoice.id);
    expect(all).toEqual([third.id, other.invoice.id, first.id]);

    await expect(stripe.invoices.list({ status: 'late' as 'open' })).rejects.toMatchObject({
      statusCode: 400,
      message: 'Invalid status: must be one of draft, open, void, paid, or uncollectible',
    });
    await expect(stripe.invoices.list({ subscription: 'sub_1' })).rejects.toMatchObject({
      code: 'parameter_unknown',
    });
  });

  it('replays create and finalize under the same Idempotency-Key without acting twice', async () => {
    const customer = await stripe.customers.create({ name: 'Once' });
    const params: Stripe.InvoiceCreateParams = {
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 7,
    };

    const created = await stripe.invoices.create(params, { idempotencyKey: 'inv-create-1' });
    const replayed = await stripe.invoices.create(params, { idempotencyKey: 'inv-create-1' });
    expect(replayed).toEqual(created);
    expect(replayed.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(emulator.invoices()).toHaveLength(1);

    await stripe.invoiceItems.create({ customer: customer.id, invoice: created.id, amount: 900, currency: 'usd' });
    const finalized = await stripe.invoices.finalizeInvoice(created.id, {}, { idempotencyKey: 'inv-final-1' });
    const again = await stripe.invoices.finalizeInvoice(created.id, {}, { idempotencyKey: 'inv-final-1' });
    expect(again).toEqual(finalized);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.events.list({ type: 'invoice.finalized' })).data).toHaveLength(1);
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).next_invoice_sequence).toBe(2);

    // A refusal found while executing is stored too: the same key answers the same error.
    const refusal = { idempotencyKey: 'inv-final-2' };
    await expect(stripe.invoices.finalizeInvoice(created.id, {}, refusal)).rejects.toMatchObject({ statusCode: 400 });
    await expect(stripe.invoices.finalizeInvoice(created.id, {}, refusal)).rejects.toMatchObject({
      statusCode: 400,
      headers: expect.objectContaining({ 'idempotent-replayed': 'true' }),
    });
  });

  it('answers 404 for unknown invoices and unimplemented invoice endpoints', async () => {
    await expect(stripe.invoices.retrieve('in_doesnotexist00')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such invoice: 'in_doesnotexist00'",
    });
    const { invoice } = await draft();
    await expect(stripe.invoices.sendInvoice(invoice.id)).rejects.toMatchObject({
      statusCode: 404,
      message: expect.stringContaining('Unrecognized request URL'),
    });
  });
});
