// What every stage runs against: a throwaway PostgreSQL (with pg_stat_statements) and Kafka broker, both
// emulators, and our app's roles (api, relay, worker), each in its own process connecting as its own database role.
import pg from 'pg';
import { freePort, KafkaBroker, startPostgres } from '../../scripts/lib/services.mjs';
import {
  SalesforceEmulatorProcess,
  SF_CLIENT_ID,
  SF_CLIENT_SECRET,
  SF_ORG_ID,
  STRIPE_KEY,
  STRIPE_WEBHOOK_SECRET,
  StripeEmulatorProcess,
} from './emulators.js';
import type { Knobs } from './knobs.js';
import { spawnNode, waitHttp, type Child } from './processes.js';

export type Role = 'api' | 'relay' | 'worker';
export const ROLES: readonly Role[] = ['api', 'relay', 'worker'];
export const DATABASE = 'catalog_sync';
export const PEER_DATABASE = 'peer';

type Postgres = Awaited<ReturnType<typeof startPostgres>>;

export class Stack {
  private readonly children: Partial<Record<Role, Child>> = {};
  /** Peak RSS (MiB) of each role over all its processes (the worker is restarted by some stages). */
  readonly peakMiB: Record<Role, number> = { api: 0, relay: 0, worker: 0 };

  private constructor(
    readonly knobs: Knobs,
    private readonly postgres: Postgres,
    readonly kafka: KafkaBroker,
    /** The bench's own connections (role bench_probe), left out of every statement count. */
    readonly probe: pg.Pool,
    readonly stripe: StripeEmulatorProcess,
    readonly salesforce: SalesforceEmulatorProcess,
    private readonly ports: Record<Role, number>,
  ) {}

  static async start(knobs: Knobs, say: (line: string) => void): Promise<Stack> {
    const [postgres, kafka] = await Promise.all([startStatementCountingPostgres(), KafkaBroker.create()]);
    say(`PostgreSQL on ${postgres.port} (pg_stat_statements), Kafka on ${kafka.brokers}`);
    const [stripe, salesforce] = await Promise.all([
      StripeEmulatorProcess.start(knobs.latencyMs),
      SalesforceEmulatorProcess.start(knobs.latencyMs),
    ]);
    say(`emulators: Stripe ${stripe.url}, Salesforce ${salesforce.url}, ${knobs.latencyMs} ms per call`);
    const probe = new pg.Pool({ connectionString: dbUrl(postgres.port, 'bench_probe'), max: 4 });
    const ports = { api: await freePort(), relay: await freePort(), worker: await freePort() };
    return new Stack(knobs, postgres, kafka, probe, stripe, salesforce, ports);
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }

  /** A connection URL for `user` (a superuser role made at start) on the catalog or the peer's database. */
  dbUrl(user: string, database = DATABASE): string {
    return dbUrl(this.postgres.port, user, database);
  }

  child(role: Role): Child | undefined {
    return this.children[role];
  }

  running(role: Role): boolean {
    return this.children[role] !== undefined;
  }

  /** Starts the role's process (if not running) and waits until /readyz answers (every consumer joined). */
  async start(role: Role): Promise<void> {
    if (this.children[role]) return;
    const child = spawnNode(`app-${role}`, 'src/main.js', [role], this.appEnv(role), { cpuProf: this.knobs.cpuProf });
    this.children[role] = child;
    await waitHttp(child, `http://127.0.0.1:${this.ports[role]}/readyz`, 120_000);
  }

  async stop(role: Role): Promise<void> {
    const child = this.children[role];
    if (!child) return;
    delete this.children[role];
    await child.stop();
    this.peakMiB[role] = Math.max(this.peakMiB[role], child.peakMiB);
  }

  /** Exactly these roles running: the others are stopped, the missing ones started (in api, relay, worker order). */
  async only(roles: readonly Role[]): Promise<void> {
    for (const role of ROLES) if (!roles.includes(role)) await this.stop(role);
    for (const role of ROLES) if (roles.includes(role)) await this.start(role);
  }

  /** Samples every running role's memory (so peaks are kept even for processes stopped later). */
  sampleMemory(): Partial<Record<Role, number>> {
    const rss: Partial<Record<Role, number>> = {};
    for (const role of ROLES) {
      const memory = this.children[role]?.memory();
      if (!memory) continue;
      rss[role] = memory.rssMiB;
      this.peakMiB[role] = Math.max(this.peakMiB[role], memory.peakMiB);
    }
    return rss;
  }

  async close(): Promise<void> {
    for (const role of [...ROLES].reverse()) await this.stop(role).catch(() => undefined);
    await Promise.allSettled([this.stripe.child.stop(), this.salesforce.child.stop()]);
    await this.probe.end().catch(() => undefined);
    await this.kafka.destroy().catch(() => undefined);
    await this.postgres.stop();
  }

  private appEnv(role: Role): Record<string, string> {
    return {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(this.ports[role]),
      DATABASE_URL: this.dbUrl(`bench_${role}`),
      KAFKA_BROKERS: this.kafka.brokers,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET,
      STRIPE_API_BASE: this.stripe.url,
      STRIPE_RATE_LIMIT_RPS: String(this.knobs.stripeRps),
      SALESFORCE_LOGIN_URL: this.salesforce.url,
      SALESFORCE_CLIENT_ID: SF_CLIENT_ID,
      SALESFORCE_CLIENT_SECRET: SF_CLIENT_SECRET,
      SALESFORCE_ORG_ID: SF_ORG_ID,
      SALESFORCE_RATE_LIMIT_RPS: String(this.knobs.salesforceRps),
      ADMIN_CONSOLE: 'false',
      GRAPHQL_IDE: 'false',
    };
  }
}

function dbUrl(port: number, user: string, database = DATABASE): string {
  return `postgres://${user}@127.0.0.1:${port}/${database}`;
}

/**
 * A throwaway cluster (scripts/lib/services.mjs) restarted once with pg_stat_statements preloaded (ALTER SYSTEM
 * survives the restart), with one superuser role per process that runs SQL, and the peer's own database.
 */
async function startStatementCountingPostgres(): Promise<Postgres> {
  const postgres = await startPostgres({ database: DATABASE });
  const admin = async (sql: string[]) => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      for (const statement of sql) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin([`alter system set shared_preload_libraries = 'pg_stat_statements'`]);
  await postgres.halt();
  await postgres.resume();
  const roles = ['bench_api', 'bench_relay', 'bench_worker', 'bench_probe', 'bench_plain', 'bench_peer'];
  await admin([
    'create extension if not exists pg_stat_statements',
    ...roles.map((r) => `create role ${r} login superuser`),
    // The peer's migrations hand a function to `postgres` (Supabase's and the Docker image's superuser).
    'create role postgres superuser',
    `create database ${PEER_DATABASE} owner bench_peer`,
  ]);
  return postgres;
}
