import type { StripeEmulator } from '../../emulators/stripe/index.js';
import { customersApi } from '../support/customers-api.js';
import { expectEventually } from '../support/eventually.js';
import type { TestApp } from '../support/harness.js';
import { sample, scrape } from '../support/metrics.js';
import { startAppWithStripe } from '../support/stripe.js';

describe('GET /metrics on the running app', () => {
  let t: TestApp;
  let emu: StripeEmulator;

  beforeAll(async () => {
    ({ t, emu } = await startAppWithStripe());
  });
  afterAll(async () => {
    await t?.stop();
    await emu?.close();
  });

  const metrics = () => scrape(t.url);

  it('counts a customer that reaches SYNCED at Stripe, with its latency and the Stripe calls it took', async () => {
    const synced = { provider: 'STRIPE', catalog: 'CUSTOMER', direction: 'outbound', outcome: 'synced' };
    const before = await metrics();
    const c = await customersApi(t).create('Metric Person', 'metric.person@example.com');
    await customersApi(t).synced(c.id, 'STRIPE', 1);
    const after = await metrics();
    expect(
      sample(after, 'catalog_sync_outcomes_total', synced)! -
        (sample(before, 'catalog_sync_outcomes_total', synced) ?? 0),
    ).toBe(1);
    const latency = { provider: 'STRIPE', catalog: 'CUSTOMER' };
    expect(
      sample(after, 'catalog_sync_latency_seconds_count', latency)! -
        (sample(before, 'catalog_sync_latency_seconds_count', latency) ?? 0),
    ).toBe(1);
    expect(sample(after, 'catalog_sync_latency_seconds_sum', latency)).toBeGreaterThan(0);
    // The lookup by email and the create went through the rate limiter.
    expect(
      sample(after, 'catalog_sync_provider_requests_total', { provider: 'STRIPE', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'catalog_sync_rate_limit_wait_seconds_count', { provider: 'STRIPE' })).toBeGreaterThanOrEqual(
      2,
    );
    // Stripe's webhook about our own write comes back as an echo.
    const echo = { provider: 'STRIPE', direction: 'inbound', outcome: 'echo' };
    await expectEventually(async () => (sample(await metrics(), 'catalog_sync_outcomes_total', echo) ?? 0) >= 1);
  });

  it('counts refused webhooks by reason', async () => {
    const rejected = (text: string, reason: string) =>
      sample(text, 'catalog_sync_webhook_rejections_total', { provider: 'STRIPE', reason }) ?? 0;
    const before = await metrics();
    const bad = await fetch(`${t.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=deadbeef' },
      body: JSON.stringify({ id: 'evt_forged', type: 'customer.updated' }),
    });
    expect(bad.status).toBe(400);
    const big = await fetch(`${t.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=deadbeef' },
      body: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(big.status).toBe(413);
    const after = await metrics();
    expect(rejected(after, 'signature') - rejected(before, 'signature')).toBe(1);
    expect(rejected(after, 'too_large') - rejected(before, 'too_large')).toBe(1);
  });

  it('reports the outbox backlog and the lag of every consumer group of the process', async () => {
    const text = await metrics();
    expect(sample(text, 'catalog_sync_outbox_backlog')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'catalog_sync_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
    for (const group of ['catalog-sync-outbound-stripe', 'catalog-sync-retry-stripe', 'catalog-sync-inbound-stripe'])
      expect(sample(text, 'catalog_sync_consumer_lag', { group })).toBeGreaterThanOrEqual(0);
    // Once everything is handled, the outbox is empty and no group lags (the readings are cached for 5 s).
    await expectEventually(
      async () => {
        const now = await metrics();
        return (
          sample(now, 'catalog_sync_outbox_backlog') === 0 &&
          sample(now, 'catalog_sync_consumer_lag', { group: 'catalog-sync-outbound-stripe' }) === 0
        );
      },
      { timeoutMs: 20_000 },
    );
    expect(text).toContain('# TYPE process_resident_memory_bytes gauge');
  });
});
