import { z } from 'zod';

/** Stripe's environment variables (merged into the app config, parsed once at start-up). */
export const stripeConfigShape = {
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret or restricted key (sk_test_..., sk_live_...)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'must be a webhook signing secret (whsec_...)').optional(),
  STRIPE_API_BASE: z.url().optional(),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // Stripe allows 25 requests/s in test mode and 100/s in live mode (https://docs.stripe.com/rate-limits).
  STRIPE_RATE_LIMIT_RPS: z.coerce.number().positive().max(10_000).optional(),
};

export type StripeConfig = z.infer<z.ZodObject<typeof stripeConfigShape>>;

/**
 * Where records are seen in the Stripe Dashboard: test-mode objects live under /test
 * (https://docs.stripe.com/dashboard/basics). None when the API is not Stripe's own (an emulator, a proxy).
 */
export function stripeDashboard(config: StripeConfig): string | undefined {
  if (config.STRIPE_API_BASE || !config.STRIPE_SECRET_KEY) return undefined;
  return `https://dashboard.stripe.com${config.STRIPE_SECRET_KEY.includes('_test_') ? '/test' : ''}`;
}

export function stripeRateLimit(config: StripeConfig): number {
  return config.STRIPE_RATE_LIMIT_RPS ?? (config.STRIPE_SECRET_KEY?.includes('_live_') ? 100 : 25);
}
