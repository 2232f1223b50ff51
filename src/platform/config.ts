import { z } from 'zod';
import { AppError } from '../core/errors.js';
import type { ProviderPlugin } from '../core/provider.js';

/**
 * All configuration comes from the environment, parsed once at start-up: the app's own variables here, and each
 * provider plug-in's (its `configShape`) merged in. A bad or missing variable stops the process with a message
 * naming every offending variable (and never echoing its value).
 */
const csv = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

const baseShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  // Bearer tokens accepted by the GraphQL API (comma-separated). Required in production.
  API_TOKENS: z
    .string()
    .optional()
    .transform((v) => (v ? csv(v) : [])),
  // A bearer token for GET /metrics only (Prometheus' scrape credential); API tokens are accepted there too.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  // A worker holds a connection per write call in flight (Stripe: 5) and per inbound lane (8 a partition).
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(20),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform(csv)
    .refine((l) => l.length > 0 && l.every((b) => /^[^\s:]+:\d+$/.test(b)), 'must be host:port[,host:port]'),
  KAFKA_CLIENT_ID: z.string().default('catalog-sync'),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(256).default(3),
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(30_000),
  SYNC_PROVIDERS: z.string().optional(),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(100),
  // Rows per claim and per send. A produce request, and the claim and the API's fetch that come with it, cost the
  // broker and the relay more than its rows do: at 100 the bench's relay drained 0.3-0.45 of a raw producer's rate,
  // at 500 0.51-0.55 (README, Measured). A lone event still goes out alone at once.
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(500),
  // Hours published outbox rows are kept (support, replays); older ones are deleted every minute. 0 keeps them all.
  OUTBOX_KEEP_HOURS: z.coerce.number().int().min(0).max(87_600).default(72),
  SYNC_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  SYNC_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(500),
  SYNC_RETRY_MAX_MS: z.coerce.number().int().min(1).max(3_600_000).default(60_000),
  // Salesforce-style batch writes: how long a partial batch may wait for more once the provider is free again
  // (a lone change never waits). 0 sends what is there as soon as the previous call ends.
  SYNC_BATCH_LINGER_MS: z.coerce.number().int().min(0).max(5000).default(50),
  // Days of sync history (Query.syncEvents) kept; older rows are deleted hourly. 0 keeps everything.
  SYNC_HISTORY_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  // Schema introspection (GraphQL IDEs need it): on by default, off by default when NODE_ENV=production.
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).optional(),
  // The browser GraphQL IDE (GraphiQL at GET /graphql, Apollo Sandbox at /sandbox): the same defaults.
  GRAPHQL_IDE: z.enum(['true', 'false']).optional(),
  // The built browser apps (scripts/build-ui.mjs): dist/ui under the working directory unless set.
  UI_DIR: z.string().default('dist/ui'),
  // The admin console at `/`: on unless set to false.
  ADMIN_CONSOLE: z.enum(['true', 'false']).default('true'),
};

type BaseConfig = Omit<
  z.infer<z.ZodObject<typeof baseShape>>,
  'SYNC_PROVIDERS' | 'GRAPHQL_INTROSPECTION' | 'GRAPHQL_IDE'
>;

export interface Config extends BaseConfig {
  GRAPHQL_INTROSPECTION: boolean;
  GRAPHQL_IDE: boolean;
  /** Providers records are synced to (each gets a sync state); all known ones unless SYNC_PROVIDERS says. */
  SYNC_PROVIDERS: string[];
  /** Each provider plug-in's own variables, parsed by its `configShape`. */
  providerConfigs: Record<string, Record<string, unknown>>;
}

export class ConfigError extends AppError {
  constructor(readonly problems: string[]) {
    super('CONFIG_INVALID', `Invalid configuration:\n  ${problems.join('\n  ')}`, { details: { problems } });
  }
}

function describe(issue: z.core.$ZodIssue): string {
  const name = issue.path.join('.');
  return issue.code === 'invalid_type' && issue.input === undefined
    ? `${name} is required`
    : `${name}: ${issue.message}`;
}

/**
 * An empty variable counts as unset (`FOO=` in an .env file, `FOO: ${FOO:-}` in docker-compose): it gets the
 * default, or is reported as required, instead of failing as an invalid value.
 */
function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

export function loadConfig(rawEnv: NodeJS.ProcessEnv, plugins: readonly ProviderPlugin[]): Config {
  const env = withoutEmpty(rawEnv);
  const problems: string[] = [];
  const ids = plugins.map((p) => p.id);
  const base = z.object(baseShape).safeParse(env);
  if (!base.success) problems.push(...base.error.issues.map(describe));
  const providerConfigs: Record<string, Record<string, unknown>> = {};
  for (const plugin of plugins) {
    const parsed = z.object(plugin.configShape).safeParse(env);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map(describe));
      continue;
    }
    providerConfigs[plugin.id] = parsed.data;
    for (const p of plugin.checkConfig?.(parsed.data) ?? []) problems.push(`${p.variable}: ${p.message}`);
  }
  const providers = env.SYNC_PROVIDERS === undefined ? ids : csv(env.SYNC_PROVIDERS);
  const unknown = providers.filter((p) => !ids.includes(p));
  if (unknown.length > 0)
    problems.push(`SYNC_PROVIDERS: unknown provider ${unknown.join(', ')} (known: ${ids.join(', ')})`);
  if (base.success && base.data.NODE_ENV === 'production' && base.data.API_TOKENS.length === 0) {
    problems.push('API_TOKENS: is required when NODE_ENV=production (the API would be open)');
  }
  if (!base.success || problems.length > 0) throw new ConfigError(problems);
  const devDefault = base.data.NODE_ENV === 'production' ? 'false' : 'true';
  return {
    ...base.data,
    GRAPHQL_INTROSPECTION: (base.data.GRAPHQL_INTROSPECTION ?? devDefault) === 'true',
    GRAPHQL_IDE: (base.data.GRAPHQL_IDE ?? devDefault) === 'true',
    SYNC_PROVIDERS: providers,
    providerConfigs,
  };
}
