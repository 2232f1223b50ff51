import type { StripeEvent } from './types.js';

// Test control over delivery order. Stripe may deliver events in any order
// (https://docs.stripe.com/webhooks#event-ordering); random jitter shows that only now and then, so a test that
// needs "B arrives before A" holds A's deliveries and releases them once B has arrived.

/**
 * Holds the deliveries of matching events created while the rule stands, until `releaseWebhooks(hold)`; then they
 * are sent at once (and retried as usual if they fail). Unset fields match any event.
 */
export interface WebhookHold {
  /** Gate name, for release. */
  hold: string;
  /** Event type, e.g. `customer.created`. */
  type?: string;
  /** Id of the object the event is about (`data.object.id`), e.g. a customer id. */
  objectId?: string;
  /** Catch the next this many matching events, then stop catching (those caught stay held); default: all. */
  count?: number;
}

export class WebhookHoldRules {
  private rules: Array<WebhookHold & { remaining: number }> = [];

  add(rule: WebhookHold): void {
    if (typeof rule.hold !== 'string' || rule.hold === '') throw new Error('a webhook hold needs a name (hold)');
    if (rule.count !== undefined && (!Number.isInteger(rule.count) || rule.count < 1)) {
      throw new Error('a webhook hold count must be a whole number >= 1');
    }
    this.rules.push({ ...rule, remaining: rule.count ?? Infinity });
  }

  /** The gate that catches `event` now (consuming one of its count), if any. */
  take(event: StripeEvent): string | undefined {
    const rule = this.rules.find(
      (r) =>
        r.remaining > 0 &&
        (r.type === undefined || r.type === event.type) &&
        (r.objectId === undefined || r.objectId === event.data.object.id),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.hold;
  }

  /** Removes the rules of one gate, or all. */
  remove(hold?: string): void {
    this.rules = this.rules.filter((r) => hold !== undefined && r.hold !== hold);
  }
}
