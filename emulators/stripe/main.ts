// CLI for the local start command and docker-compose: runs the Stripe emulator until SIGINT/SIGTERM.
//   STRIPE_EMULATOR_PORT         port (default 12111; 0 = any free port)
//   STRIPE_EMULATOR_HOST         address to listen on (default 127.0.0.1; 0.0.0.0 in a container: then a forwarder
//                                on that address passes requests to the emulator, see ../shared/forwarder.ts)
//   STRIPE_EMULATOR_WEBHOOK_URL  where to POST events (optional; can be set later via POST /_emulator/webhook-url)
//   STRIPE_WEBHOOK_SECRET        signing secret (default whsec_emulator)
//   STRIPE_SECRET_KEY            accepted API key (default sk_test_emulator)
//   STRIPE_EMULATOR_LATENCY_MS   response time of every API call in ms, like a real provider's (default 0)
import { startForwarder } from '../shared/forwarder.js';
import { startStripeEmulator } from './index.js';

const DEFAULT_PORT = 12111;
const LOOPBACK = '127.0.0.1';

const env = process.env;
const port = env.STRIPE_EMULATOR_PORT ? Number(env.STRIPE_EMULATOR_PORT) : DEFAULT_PORT;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`STRIPE_EMULATOR_PORT must be a port number, got ${env.STRIPE_EMULATOR_PORT}`);
  process.exit(1);
}
const host = env.STRIPE_EMULATOR_HOST || LOOPBACK;
const latencyMs = env.STRIPE_EMULATOR_LATENCY_MS ? Number(env.STRIPE_EMULATOR_LATENCY_MS) : 0;
if (!Number.isFinite(latencyMs) || latencyMs < 0) {
  console.error(`STRIPE_EMULATOR_LATENCY_MS must be a non-negative number, got ${env.STRIPE_EMULATOR_LATENCY_MS}`);
  process.exit(1);
}

const emulator = await startStripeEmulator({
  // Behind a forwarder the emulator itself takes any free port on 127.0.0.1.
  port: host === LOOPBACK ? port : 0,
  ...(env.STRIPE_EMULATOR_WEBHOOK_URL && { webhookUrl: env.STRIPE_EMULATOR_WEBHOOK_URL }),
  ...(env.STRIPE_WEBHOOK_SECRET && { webhookSecret: env.STRIPE_WEBHOOK_SECRET }),
  ...(env.STRIPE_SECRET_KEY && { apiKey: env.STRIPE_SECRET_KEY }),
  latencyMs,
  log: (line) => console.log(line),
});
const forwarder = host === LOOPBACK ? undefined : await startForwarder({ host, port, target: emulator.url });
console.log(
  `Stripe emulator listening on ${forwarder?.url ?? emulator.url}` +
    (env.STRIPE_EMULATOR_WEBHOOK_URL ? `, sending webhooks to ${env.STRIPE_EMULATOR_WEBHOOK_URL}` : ''),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([forwarder?.close(), emulator.close()]).then(() => process.exit(0));
  });
}
