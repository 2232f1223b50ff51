import Stripe from 'stripe';

export interface StripeClientConfig {
  secretKey: string;
  /** Base URL of the API; Stripe's own by default, the emulator's in development and tests. */
  apiBase?: string | undefined;
  timeoutMs?: number;
}

/**
 * The official stripe-node client, unchanged. Its own network retries are off (maxNetworkRetries: 0): retries
 * are ours (retry topic with backoff), so they are visible in sync states and bounded by our policy.
 */
export function createStripeClient(config: StripeClientConfig): Stripe {
  const base = config.apiBase ? new URL(config.apiBase) : undefined;
  return new Stripe(config.secretKey, {
    maxNetworkRetries: 0,
    timeout: config.timeoutMs ?? 10_000,
    telemetry: false,
    appInfo: { name: 'catalog-sync' },
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? '443' : '80'),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}
