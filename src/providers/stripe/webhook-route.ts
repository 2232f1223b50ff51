import express, { type Router } from 'express';
import type Stripe from 'stripe';
import type { Logger } from '../../core/logger.js';
import { NO_PROVIDER_METRICS, type InboundQueue, type ProviderMetrics } from '../../core/provider.js';
import { reportRefusedBodies } from '../../platform/http/body-errors.js';
import { stripeEventKey, verifyStripeWebhook } from './webhook.js';

/**
 * POST /webhooks/stripe: verify the signature on the raw body, hand the event to Kafka (`inbound.stripe`, keyed
 * by the object id so its events stay in order) and answer 2xx at once; the inbound worker does the rest.
 * Stripe retries non-2xx answers for up to three days (https://docs.stripe.com/webhooks#retries), so when Kafka
 * is unreachable we answer 503 and lose nothing.
 */
export function stripeWebhookRoute(opts: {
  stripe: Stripe;
  secret: string;
  queue: InboundQueue;
  logger: Logger;
  metrics?: ProviderMetrics | undefined;
}): Router {
  const router = express.Router();
  const log = opts.logger.child({ component: 'stripe-webhook' });
  const metrics = opts.metrics ?? NO_PROVIDER_METRICS;
  // Any (or no) Content-Type: the signature covers the bytes, not the header. 1 MiB is far above any Stripe event.
  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verified = verifyStripeWebhook(opts.stripe, raw, req.header('stripe-signature'), opts.secret);
    if (!verified.ok) {
      log.warn('rejected Stripe webhook', { reason: verified.reason, ip: req.ip });
      metrics.webhookRejected(verified.kind);
      res.status(400).json({ error: 'invalid_signature', reason: verified.reason });
      return;
    }
    const event = verified.event;
    try {
      await opts.queue([
        { key: stripeEventKey(event), value: raw.toString('utf8'), headers: { 'event-id': event.id } },
      ]);
    } catch (err) {
      log.error('could not queue Stripe webhook; Stripe will retry', { eventId: event.id, error: err });
      res.status(503).json({ error: 'unavailable', reason: 'event queue unavailable, retry later' });
      return;
    }
    res.status(200).json({ received: true });
  });
  router.use('/webhooks/stripe', reportRefusedBodies(metrics.webhookRejected));
  return router;
}
