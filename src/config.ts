import { z } from 'zod';
import { AppError } from './errors.js';
import { Provider } from './domain/enums.js';

/**
 * All configuration comes from the environment, parsed once at start-up. A bad or missing variable stops the
 * process with a message naming every offending variable (and never echoing its value).
 */
const csv = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  // Bearer tokens accepted by the GraphQL API (comma-separated). Required in production.
  API_TOKENS: z
    .string()
    .optional()
    .transform((v) => (v ? csv(v) : [])),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform(csv)
    .refine((l) => l.length > 0 && l.every((b) => /^[^\s:]+:\d+$/.test(b)), 'must be host:port[,host:port]'),
  KAFKA_CLIENT_ID: z.string().default('catalog-sync'),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(256).default(3),
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(30_000),
  SYNC_PROVIDERS: z
    .string()
    .default('STRIPE,SALESFORCE')
    .transform(csv)
    .pipe(z.array(z.enum(Provider))),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(100),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  SYNC_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  SYNC_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(500),
  SYNC_RETRY_MAX_MS: z.coerce.number().int().min(1).max(3_600_000).default(60_000),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret or restricted key (sk_test_..., sk_live_...)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'must be a webhook signing secret (whsec_...)').optional(),
  STRIPE_API_BASE: z.url().optional(),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // Stripe allows 25 requests/s in test mode and 100/s in live mode (https://docs.stripe.com/rate-limits).
  STRIPE_RATE_LIMIT_RPS: z.coerce.number().positive().max(10_000).optional(),
  SALESFORCE_LOGIN_URL: z.url().default('https://login.salesforce.com'),
  SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
  SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d{2}\.0$/, 'must look like 62.0')
    // sObject Collections upsert (used for creates) needs API 46.0 or later.
    .refine((v) => Number(v) >= 46, 'must be 46.0 or later')
    .default('62.0'),
  SALESFORCE_ORG_ID: z
    .string()
    .regex(/^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, 'must be a 15 or 18 character Salesforce org id (00D...)')
    .optional(),
  SALESFORCE_EXTERNAL_ID_FIELD: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'must be a custom field API name (..__c)')
    .default('Catalog_Sync_Id__c'),
  SALESFORCE_CLIENT_NAME: z.string().default('catalog-sync'),
  // Optional: new Contacts are created under this Account (otherwise they are private contacts).
  SALESFORCE_ACCOUNT_ID: z
    .string()
    .regex(/^001[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, 'must be a 15 or 18 character Account id (001...)')
    .optional(),
  // 0 turns the getUpdated/getDeleted poll off (outbound messages only).
  SALESFORCE_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  SALESFORCE_RATE_LIMIT_RPS: z.coerce.number().positive().max(10_000).default(20),
});

export type Config = z.infer<typeof schema>;

export function stripeRateLimit(config: Config): number {
  return config.STRIPE_RATE_LIMIT_RPS ?? (config.STRIPE_SECRET_KEY?.includes('_live_') ? 100 : 25);
}

export class ConfigError extends AppError {
  constructor(readonly problems: string[]) {
    super('CONFIG_INVALID', `Invalid configuration:\n  ${problems.join('\n  ')}`, { details: { problems } });
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema
    .superRefine((c, ctx) => {
      if (c.NODE_ENV === 'production' && c.API_TOKENS.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['API_TOKENS'],
          message: 'is required when NODE_ENV=production (the API would be open)',
        });
      }
      if (Boolean(c.SALESFORCE_CLIENT_ID) !== Boolean(c.SALESFORCE_CLIENT_SECRET)) {
        ctx.addIssue({
          code: 'custom',
          path: ['SALESFORCE_CLIENT_SECRET'],
          message: 'set both SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET, or neither',
        });
      }
    })
    .safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = i.path.join('.');
        return i.code === 'invalid_type' && i.input === undefined ? `${name} is required` : `${name}: ${i.message}`;
      }),
    );
  }
  return parsed.data;
}
