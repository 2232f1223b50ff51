import { stripeDashboard } from '../../src/providers/stripe/config.js';

describe('links to provider dashboards', () => {
  it('points Stripe test keys at the test-mode Dashboard, live keys at the live one, and nothing off Stripe', () => {
    expect(stripeDashboard({ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_TIMEOUT_MS: 1 })).toBe(
      'https://dashboard.stripe.com/test',
    );
    expect(stripeDashboard({ STRIPE_SECRET_KEY: 'rk_live_abc', STRIPE_TIMEOUT_MS: 1 })).toBe(
      'https://dashboard.stripe.com',
    );
    expect(
      stripeDashboard({
        STRIPE_SECRET_KEY: 'sk_test_abc',
        STRIPE_API_BASE: 'http://127.0.0.1:1',
        STRIPE_TIMEOUT_MS: 1,
      }),
    ).toBeUndefined();
  });
});
