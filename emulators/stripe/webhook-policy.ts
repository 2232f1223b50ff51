// How the emulator schedules webhook deliveries, with Stripe-like defaults and the knobs tests turn to go fast.
//
// What Stripe documents (https://docs.stripe.com/webhooks):
// - Retries: in live mode Stripe "attempts to deliver a given event to your webhook endpoint for up to 3 days with
//   an exponential back off" (#retries). The individual intervals are not published (the Dashboard shows the next
//   attempt), so the defaults below are a plausible reading of it, not Stripe's exact schedule.
// - Order: "Stripe doesn't guarantee delivery of events in the order in which they're generated" (#event-ordering).
// - Each event is delivered on its own: one failing event does not hold back the others.
// - An endpoint must answer 2xx quickly; one that does not answer in time counts as a failed attempt.

export interface WebhookRetryOptions {
  /** Wait after the first failed attempt; doubles after each further failure. */
  initialBackoffMs?: number;
  /** Longest wait between two attempts of one event. */
  maxBackoffMs?: number;
  /** An event is given up once its next attempt would come later than this after the event was created. */
  maxAgeMs?: number;
  /** An attempt that gets no response within this time counts as failed (and is retried). */
  attemptTimeoutMs?: number;
}

export interface WebhookDeliveryPolicy extends Required<WebhookRetryOptions> {
  /** Each event's first attempt waits a random 0..jitterMs, so events created together arrive in either order. */
  jitterMs: number;
  /** Attempts in flight at once, over all events: a burst of events is not a burst of connections. */
  maxInFlight: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Realistic defaults. First retry after 1 minute, then 2, 4, 8, ... minutes, at most 1 hour apart, for 3 days
 * (Stripe's documented live-mode window): an endpoint that was down for hours gets its events within an hour of
 * coming back, and 77 attempts per event at most. Jitter up to 1 s: Stripe delivers most events within
 * seconds of the call, and two events made by back-to-back calls can arrive in either order. The 5 s attempt timeout
 * is the emulator's long-standing value (Stripe does not publish its own); 8 attempts in flight bounds a burst.
 */
export const REALISTIC_WEBHOOK_POLICY: Readonly<WebhookDeliveryPolicy> = {
  initialBackoffMs: MINUTE,
  maxBackoffMs: HOUR,
  maxAgeMs: 3 * 24 * HOUR,
  attemptTimeoutMs: 5_000,
  jitterMs: 1_000,
  maxInFlight: 8,
};

/** The policy with the given overrides; undefined fields keep the realistic default. */
export function webhookPolicy(overrides: Partial<WebhookDeliveryPolicy> = {}): WebhookDeliveryPolicy {
  const defined = Object.entries(overrides).filter(([, value]) => value !== undefined);
  const policy = { ...REALISTIC_WEBHOOK_POLICY, ...Object.fromEntries(defined) };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`webhook ${name} must be a number >= 0, got ${value}`);
  }
  if (policy.maxInFlight < 1) throw new Error('webhook maxInFlight must be at least 1');
  return policy;
}

/** Wait before the next attempt of an event that has failed `failedAttempts` times (1 or more). */
export function retryDelayMs(policy: WebhookDeliveryPolicy, failedAttempts: number): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (failedAttempts - 1));
}
