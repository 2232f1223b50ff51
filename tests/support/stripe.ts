import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from '../../emulators/stripe/index.js';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { startTestApp, type TestApp } from './harness.js';
import { salesforceEnv, startSalesforce } from './salesforce.js';

export const STRIPE_KEY = 'sk_test_emulator';
export const STRIPE_WEBHOOK_SECRET = 'whsec_emulator';

/**
 * Stripe's webhook delivery with its clock sped up: events still come in no guaranteed order (up to 50 ms of
 * jitter each) and are retried on their own capped exponential schedule, in milliseconds instead of minutes.
 */
export const FAST_STRIPE_WEBHOOKS = {
  webhookRetry: { initialBackoffMs: 100, maxBackoffMs: 1_000 },
  webhookJitterMs: 50,
} satisfies StripeEmulatorOptions;

/** The app wired to a Stripe emulator whose webhooks point back at the app. */
export async function startAppWithStripe(
  env: Record<string, string> = {},
): Promise<{ t: TestApp; emu: StripeEmulator; dashboard: Stripe }> {
  const emu = await startStripeEmulator({
    apiKey: STRIPE_KEY,
    webhookSecret: STRIPE_WEBHOOK_SECRET,
    ...FAST_STRIPE_WEBHOOKS,
  });
  const t = await startTestApp({
    SYNC_PROVIDERS: 'STRIPE',
    STRIPE_SECRET_KEY: STRIPE_KEY,
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_BASE: emu.url,
    STRIPE_RATE_LIMIT_RPS: '200',
    SYNC_RETRY_BASE_MS: '50',
    SYNC_RETRY_MAX_MS: '400',
    ...env,
  });
  emu.setWebhookUrl(`${t.url}/webhooks/stripe`);
  // "A person in the Stripe dashboard": the real client, with no idempotency key of ours.
  const dashboard = new Stripe(STRIPE_KEY, {
    host: '127.0.0.1',
    port: emu.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  });
  return { t, emu, dashboard };
}

/** The app syncing with both providers: Stripe as above, Salesforce with its Outbound Messages sent to the app. */
export async function startAppWithBothProviders(): Promise<{
  t: TestApp;
  emu: StripeEmulator;
  dashboard: Stripe;
  sf: SalesforceEmulator;
}> {
  const sf = await startSalesforce();
  const started = await startAppWithStripe({ SYNC_PROVIDERS: 'STRIPE,SALESFORCE', ...salesforceEnv(sf) });
  sf.setOutboundMessageUrl(`${started.t.url}/webhooks/salesforce`);
  return { ...started, sf };
}
