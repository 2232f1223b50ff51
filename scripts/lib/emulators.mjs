// Starts the Stripe / Salesforce emulators for `npm start` when no real credentials are configured, and points
// the app's config (env) at them. Real credentials in the environment always win. With `stateDir`, each emulator
// starts from the state a previous run saved there and saves its own every few seconds and when it stops, so the
// catalog's links to emulator records survive a restart.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from './services.mjs';

async function load(rel) {
  const file = path.join(projectRoot, 'dist', rel);
  return fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

/** Loads `<stateDir>/<name>.json` if it is there; returns a saver for the emulator's state. */
function stateFile(stateDir, name) {
  const file = stateDir && path.join(stateDir, `${name}.json`);
  return {
    saved: file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined,
    save(emu) {
      if (!file) return;
      // Written aside, then renamed: a crash mid-write never leaves half a file.
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(emu.state()));
      fs.renameSync(`${file}.tmp`, file);
    },
  };
}

/** Keeps an emulator's state on disk: every few seconds (a crash loses at most that), and when it closes. */
function persist(emu, store, closers) {
  const timer = setInterval(() => store.save(emu), 5_000);
  timer.unref();
  closers.push(async () => {
    clearInterval(timer);
    await emu.close();
    store.save(emu);
  });
}

export async function startLocalEmulators(env, appUrl, say, { stateDir } = {}) {
  if (stateDir) fs.mkdirSync(stateDir, { recursive: true });
  const closers = [];
  const info = [];
  const stripeModule = !env.STRIPE_SECRET_KEY ? await load('emulators/stripe/index.js') : undefined;
  if (stripeModule) {
    env.STRIPE_SECRET_KEY = 'sk_test_emulator';
    env.STRIPE_WEBHOOK_SECRET = 'whsec_emulator';
    const store = stateFile(stateDir, 'stripe');
    const emu = await stripeModule.startStripeEmulator({
      ...(store.saved && { state: store.saved }),
      apiKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      webhookUrl: `${appUrl}/webhooks/stripe`,
      // Stripe's behaviour (events in any order, each retried on its own for 3 days), with retries every second
      // at first and at most a minute apart instead of 1 min..1 h: a restart of the app catches up within a minute.
      webhookRetry: { initialBackoffMs: 1_000, maxBackoffMs: 60_000 },
    });
    env.STRIPE_API_BASE = emu.url;
    persist(emu, store, closers);
    say(`Stripe emulator at ${emu.url} (no STRIPE_SECRET_KEY set); webhooks -> ${appUrl}/webhooks/stripe`);
    info.push({
      name: 'Stripe emulator',
      url: emu.url,
      credentials: `secret key ${env.STRIPE_SECRET_KEY} (curl -u ${env.STRIPE_SECRET_KEY}: ${emu.url}/v1/customers)`,
    });
  }
  const sfModule = !env.SALESFORCE_CLIENT_ID ? await load('emulators/salesforce/index.js') : undefined;
  if (sfModule) {
    env.SALESFORCE_CLIENT_ID = 'emulator-client-id';
    env.SALESFORCE_CLIENT_SECRET = 'emulator-client-secret';
    env.SALESFORCE_ORG_ID = '00D000000000001AAA';
    const store = stateFile(stateDir, 'salesforce');
    const emu = await sfModule.startSalesforceEmulator({
      ...(store.saved && { state: store.saved }),
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
    persist(emu, store, closers);
    say(`Salesforce emulator at ${emu.url} (no SALESFORCE_CLIENT_ID set)`);
    info.push({
      name: 'Salesforce emulator',
      url: emu.url,
      credentials:
        `OAuth client credentials ${env.SALESFORCE_CLIENT_ID} / ${env.SALESFORCE_CLIENT_SECRET} at ` +
        `${emu.url}/services/oauth2/token; records: ${emu.url}/_emulator/contacts, ${emu.url}/_emulator/invoices`,
    });
  }
  return { info, close: async () => Promise.all(closers.map((c) => c())) };
}
