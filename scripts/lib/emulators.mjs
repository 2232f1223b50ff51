// Starts the Stripe / Salesforce emulators for `npm start` when no real credentials are configured, and points
// the app's config (env) at them. Real credentials in the environment always win.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from './services.mjs';

async function load(rel) {
  const file = path.join(projectRoot, 'dist', rel);
  return fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

export async function startLocalEmulators(env, appUrl, say) {
  const closers = [];
  const stripeModule = !env.STRIPE_SECRET_KEY ? await load('emulators/stripe/index.js') : undefined;
  if (stripeModule) {
    env.STRIPE_SECRET_KEY = 'sk_test_emulator';
    env.STRIPE_WEBHOOK_SECRET = 'whsec_emulator';
    const emu = await stripeModule.startStripeEmulator({
      apiKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      webhookUrl: `${appUrl}/webhooks/stripe`,
      // Stripe's behaviour (events in any order, each retried on its own for 3 days), with retries every second
      // at first and at most a minute apart instead of 1 min..1 h: a restart of the app catches up within a minute.
      webhookRetry: { initialBackoffMs: 1_000, maxBackoffMs: 60_000 },
    });
    env.STRIPE_API_BASE = emu.url;
    closers.push(() => emu.close());
    say(`Stripe emulator at ${emu.url} (no STRIPE_SECRET_KEY set); webhooks -> ${appUrl}/webhooks/stripe`);
  }
  const sfModule = !env.SALESFORCE_CLIENT_ID ? await load('emulators/salesforce/index.js') : undefined;
  if (sfModule) {
    env.SALESFORCE_CLIENT_ID = 'emulator-client-id';
    env.SALESFORCE_CLIENT_SECRET = 'emulator-client-secret';
    env.SALESFORCE_ORG_ID = '00D000000000001AAA';
    const emu = await sfModule.startSalesforceEmulator({
      clientId: env.SALESFORCE_CLIENT_ID,
      clientSecret: env.SALESFORCE_CLIENT_SECRET,
      orgId: env.SALESFORCE_ORG_ID,
      outboundMessageUrl: `${appUrl}/webhooks/salesforce`,
      // Salesforce's clock and minute-granular polling stay real; only Outbound Message redelivery is quicker
      // (1 s doubling up to 30 s instead of 15 s up to 2 h), so a notification sent while the app was starting or
      // restarting does not wait hours for its next try.
      outboundRetry: { baseDelayMs: 1000, maxDelayMs: 30_000 },
    });
    env.SALESFORCE_LOGIN_URL = emu.url;
    closers.push(() => emu.close());
    say(`Salesforce emulator at ${emu.url} (no SALESFORCE_CLIENT_ID set)`);
  }
  return { close: async () => Promise.all(closers.map((c) => c())) };
}
