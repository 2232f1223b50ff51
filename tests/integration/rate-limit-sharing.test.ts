import type { StripeEmulator } from '../../emulators/stripe/index.js';
import { expectEventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { startAppWithStripe } from '../support/stripe.js';

/**
 * Stripe's rate limit is per account: two worker processes of one provider must split it, not each take all of
 * it (README, "Processes and configuration"). Each process counts the members of the provider's outbound consumer
 * group and says its share on /metrics.
 */
describe('worker processes share a provider rate limit', () => {
  let first: TestApp;
  let emu: StripeEmulator;
  let second: TestApp | undefined;

  beforeAll(async () => {
    ({ t: first, emu } = await startAppWithStripe({ STRIPE_RATE_LIMIT_RPS: '40' }));
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await emu?.close();
  });

  const perSecond = async (t: TestApp) => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('catalog_sync_rate_limit_per_second{provider="STRIPE"}'));
    return line ? Number(line.split(' ').at(-1)) : undefined;
  };

  it('takes all of it alone, half with a second worker, all again once that one stops', async () => {
    await expectEventually(async () => (await perSecond(first)) === 40);
    second = await startTestApp(
      {
        DATABASE_URL: first.config.DATABASE_URL,
        SYNC_PROVIDERS: 'STRIPE',
        STRIPE_SECRET_KEY: first.config.providerConfigs.STRIPE?.STRIPE_SECRET_KEY as string,
        STRIPE_API_BASE: emu.url,
        STRIPE_RATE_LIMIT_RPS: '40',
      },
      'worker',
    );
    await expectEventually(async () => (await perSecond(first)) === 20 && (await perSecond(second!)) === 20, {
      timeoutMs: 40_000,
      intervalMs: 250,
    });
    await second.stop();
    second = undefined;
    await expectEventually(async () => (await perSecond(first)) === 40, { timeoutMs: 40_000, intervalMs: 250 });
  });
});
