// The peer, @supabase/stripe-sync-engine (one-way Stripe -> PostgreSQL), as a small HTTP service in its own
// process, on the same Stripe emulator and PostgreSQL as ours (its own database, schema `stripe`, role bench_peer):
//   POST /webhook/default     processWebhook as configured by default (trusts the event's payload)
//   POST /webhook/revalidate  the same with revalidateObjectsViaStripeApi: ['customer'] (re-reads it, as ours does)
//   POST /backfill            syncBackfill({ object: 'customer' }): { synced, ms }
//   POST /reset               empties stripe.customers
//   GET  /count?email=LIKE&name=LIKE   customers matching both patterns: { n }
// Environment: PORT, PEER_DATABASE_URL, STRIPE_API_BASE, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET.
import http from 'node:http';
import { createRequire } from 'node:module';
import type * as SyncEngine from '@supabase/stripe-sync-engine';
import pg from 'pg';
import pino from 'pino';
import type Stripe from 'stripe';

// Its CommonJS build: the ESM one's runMigrations reads __dirname, which ES modules do not have (0.48.5).
const require = createRequire(import.meta.url);
const { runMigrations, StripeSync } = require('@supabase/stripe-sync-engine') as typeof SyncEngine;
const StripeClient = require('stripe') as typeof Stripe;

const env = process.env as Record<string, string>;
const databaseUrl = env.PEER_DATABASE_URL!;
const api = new URL(env.STRIPE_API_BASE!);
const logger = pino({ level: 'warn' });

await runMigrations({ databaseUrl, schema: 'stripe', logger });
// The engine builds its own client for api.stripe.com; the same client pointed at the emulator replaces it.
const stripe = new StripeClient(env.STRIPE_SECRET_KEY!, {
  host: api.hostname,
  port: Number(api.port),
  protocol: 'http',
});
const engine = (revalidate: boolean) => {
  const sync = new StripeSync({
    poolConfig: { connectionString: databaseUrl, max: 10 },
    stripeSecretKey: env.STRIPE_SECRET_KEY!,
    stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET!,
    ...(revalidate && { revalidateObjectsViaStripeApi: ['customer' as const] }),
    logger,
  });
  sync.stripe = stripe;
  return sync;
};
const engines: Record<string, SyncEngine.StripeSync> = { default: engine(false), revalidate: engine(true) };
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });

async function handle(method: string, url: URL, body: Buffer, signature: string): Promise<[number, unknown]> {
  const webhook = /^\/webhook\/(\w+)$/.exec(url.pathname);
  if (method === 'POST' && webhook) {
    const sync = engines[webhook[1]!];
    if (!sync) return [404, { error: 'no such engine' }];
    await sync.processWebhook(body, signature);
    return [200, { received: true }];
  }
  if (method === 'POST' && url.pathname === '/backfill') {
    const started = performance.now();
    const result = await engines.default!.syncBackfill({ object: 'customer' });
    return [200, { synced: result.customers?.synced ?? 0, ms: performance.now() - started }];
  }
  if (method === 'POST' && url.pathname === '/reset') {
    await db.query('truncate stripe.customers cascade');
    return [200, { ok: true }];
  }
  if (method === 'GET' && url.pathname === '/count') {
    const { rows } = await db.query<{ n: string }>(
      'select count(*) as n from stripe.customers where email like $1 and name like $2',
      [url.searchParams.get('email') ?? '%', url.searchParams.get('name') ?? '%'],
    );
    return [200, { n: Number(rows[0]!.n) }];
  }
  return [200, { ok: true }];
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const signature = String(req.headers['stripe-signature'] ?? '');
    handle(req.method ?? 'GET', url, Buffer.concat(chunks), signature).then(
      ([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      },
      (err: unknown) => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(err) }));
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(env.PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
