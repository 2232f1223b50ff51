// CLI for the local start command: runs the Stripe emulator until SIGINT/SIGTERM.
//   STRIPE_EMULATOR_PORT         port on 127.0.0.1 (default 12111; 0 = any free port)
//   STRIPE_EMULATOR_WEBHOOK_URL  where to POST events (optional; can be set later via POST /_emulator/webhook-url)
//   STRIPE_WEBHOOK_SECRET        signing secret (default whsec_emulator)
//   STRIPE_SECRET_KEY            accepted API key (default sk_test_emulator)
import { startStripeEmulator } from './index.js';

const DEFAULT_PORT = 12111;

const env = process.env;
const port = env.STRIPE_EMULATOR_PORT ? Number(env.STRIPE_EMULATOR_PORT) : DEFAULT_PORT;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`STRIPE_EMULATOR_PORT must be a port number, got ${env.STRIPE_EMULATOR_PORT}`);
  process.exit(1);
}

const emulator = await startStripeEmulator({
  port,
  ...(env.STRIPE_EMULATOR_WEBHOOK_URL && { webhookUrl: env.STRIPE_EMULATOR_WEBHOOK_URL }),
  ...(env.STRIPE_WEBHOOK_SECRET && { webhookSecret: env.STRIPE_WEBHOOK_SECRET }),
  ...(env.STRIPE_SECRET_KEY && { apiKey: env.STRIPE_SECRET_KEY }),
  log: (line) => console.log(line),
});
console.log(
  `Stripe emulator listening on ${emulator.url}` +
    (env.STRIPE_EMULATOR_WEBHOOK_URL ? `, sending webhooks to ${env.STRIPE_EMULATOR_WEBHOOK_URL}` : ''),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
