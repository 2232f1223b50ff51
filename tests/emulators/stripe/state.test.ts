import { startStripeEmulator } from '../../../emulators/stripe/index.js';
import { stripeFor } from './helpers.js';

describe('Stripe emulator: state kept between runs', () => {
  it('a new emulator started from state() serves the same customers, invoices and events, and mints new ids', async () => {
    const first = await startStripeEmulator();
    const a = stripeFor(first);
    const customer = await a.customers.create({
      name: 'Ada',
      email: 'ada@example.com',
      metadata: { internal_id: 'x' },
    });
    const invoice = await a.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 7,
    });
    await a.invoiceItems.create({ customer: customer.id, invoice: invoice.id!, amount: 1234, currency: 'usd' });
    await a.invoices.finalizeInvoice(invoice.id!);
    const deleted = await a.customers.create({ name: 'Gone' });
    await a.customers.del(deleted.id);
    // Through JSON, as `npm start` saves it.
    const saved = JSON.parse(JSON.stringify(first.state())) as ReturnType<typeof first.state>;
    await first.close();

    const second = await startStripeEmulator({ state: saved });
    try {
      const b = stripeFor(second);
      expect(await b.customers.retrieve(customer.id)).toMatchObject({ name: 'Ada', metadata: { internal_id: 'x' } });
      expect(await b.customers.retrieve(deleted.id)).toMatchObject({ deleted: true });
      expect(await b.invoices.retrieve(invoice.id!)).toMatchObject({
        status: 'open',
        total: 1234,
        number: expect.any(String),
      });
      expect((await b.events.list({ limit: 100 })).data.length).toBeGreaterThanOrEqual(5);
      // The customer's invoice numbering goes on where it was.
      const next = await b.invoices.create({
        customer: customer.id,
        collection_method: 'send_invoice',
        days_until_due: 7,
      });
      await b.invoiceItems.create({ customer: customer.id, invoice: next.id!, amount: 1, currency: 'usd' });
      const finalized = await b.invoices.finalizeInvoice(next.id!);
      expect(finalized.number).toMatch(/-0002$/);
      // New objects after restored ones in lists (newest first).
      expect((await b.invoices.list()).data.map((i) => i.id)).toEqual([next.id, invoice.id]);
    } finally {
      await second.close();
    }
  });
});
