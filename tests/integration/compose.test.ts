import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import { expectEventually } from '../support/eventually.js';

/**
 * docker-compose.yml without a Docker engine: every service built from our image (api, relay, worker and the two
 * emulators) is run as a process here, with the command the image and the file give it (the Dockerfile's
 * ENTRYPOINT + the service's command, `dist/…js` run from its TypeScript source) and exactly the environment the
 * container would get (the image's ENV, then the service's `environment`, interpolated the way Compose does from a
 * shell that sets none of the variables). Only the addresses of other compose services are replaced: postgres and
 * kafka by the test's PostgreSQL (a fresh database) and Kafka, and `<service>:<port>` of the services run here by
 * 127.0.0.1 and a free port. Then the system must start, stay up, and sync a customer to both emulators.
 */

const COMPOSE_FILE = 'docker-compose.yml';
const APP_SERVICES = ['api', 'relay', 'worker', 'stripe-emulator', 'salesforce-emulator'];

type Env = Record<string, string>;
interface Service {
  build?: unknown;
  image?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | { target: number; published?: string | number; host_ip?: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
}

/** Compose's variable substitution: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR:+alt}. */
function interpolate(value: string, shell: Env): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_]\w*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_]\w*)/g,
    (whole, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const key = (name ?? bare)!;
      const v = shell[key];
      const set = colon ? v !== undefined && v !== '' : v !== undefined;
      if (op === '-') return set ? v! : arg!;
      if (op === '+') return set ? arg! : '';
      if (op === '?' && !set) throw new Error(`${key}: ${arg}`);
      return v ?? '';
    },
  );
}

function interpolateAll<T>(node: T, shell: Env): T {
  if (typeof node === 'string') return interpolate(node, shell) as T;
  if (Array.isArray(node)) return node.map((x: unknown) => interpolateAll(x, shell)) as T;
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, shell)])) as T;
  return node;
}

function loadCompose(shell: Env): ComposeFile {
  return interpolateAll(parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile, shell);
}

/** A service's `environment` as the container gets it: `NAME:` with no value passes the shell's on, if set. */
function serviceEnv(service: Service, shell: Env): Env {
  const entries: Array<[string, string | number | boolean | null]> = Array.isArray(service.environment)
    ? service.environment.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, null] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {});
  const env: Env = {};
  for (const [name, value] of entries) {
    if (value === null) {
      if (shell[name] !== undefined) env[name] = shell[name];
    } else env[name] = String(value);
  }
  return env;
}

/** The final stage of the Dockerfile: its ENV, ENTRYPOINT and CMD. */
function imageDefaults(): { env: Env; entrypoint: string[]; cmd: string[]; expose: number[] } {
  const lines = fs.readFileSync('Dockerfile', 'utf8').replace(/\\\n/g, ' ').split('\n');
  let env: Env = {};
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let expose: number[] = [];
  for (const line of lines) {
    const m = /^\s*(\w+)\s+(.*?)\s*$/.exec(line);
    if (!m) continue;
    const instruction = m[1]!.toUpperCase();
    const rest = m[2]!;
    if (instruction === 'FROM') [env, entrypoint, cmd, expose] = [{}, [], [], []];
    if (instruction === 'EXPOSE') expose.push(...rest.split(/\s+/).map((p) => Number(p.replace(/\/\w+$/, ''))));
    if (instruction === 'ENV')
      for (const [, k, v] of rest.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[k!] = v!.replace(/^"(.*)"$/, '$1');
    if (instruction === 'ENTRYPOINT') entrypoint = JSON.parse(rest) as string[];
    if (instruction === 'CMD') cmd = JSON.parse(rest) as string[];
  }
  return { env, entrypoint, cmd, expose };
}

/** Host ports a service publishes, with the container port each maps to (short and long syntax). */
function published(service: Service): Array<{ host: number | undefined; target: number }> {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object')
      return { host: p.published === undefined ? undefined : Number(p.published), target: Number(p.target) };
    const parts = String(p)
      .replace(/\/\w+$/, '')
      .split(':');
    const target = Number(parts.at(-1));
    return { host: parts.length >= 2 ? Number(parts.at(-2)) : undefined, target };
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function createTestDatabase(): Promise<string> {
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

interface Running {
  name: string;
  argv: string[];
  env: Env;
  child: ChildProcess;
  output: string[];
}

const running: Running[] = [];
const image = imageDefaults();
const shell: Env = {}; // what `docker compose up` sees from a shell (and no .env file) setting none of the variables
const compose = loadCompose(shell);
const serviceNames = Object.keys(compose.services);

function logsOf(names = running.map((r) => r.name)): string {
  return running
    .filter((r) => names.includes(r.name))
    .map((r) => `--- ${r.name} (${r.argv.join(' ')}) ---\n${r.output.join('').slice(-3000)}`)
    .join('\n');
}

/** Waits for `check`, and on failure says which processes exited and what they printed. */
async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000): Promise<Exclude<T, false>> {
  try {
    return await expectEventually(
      async () => {
        const dead = running.filter((r) => r.child.exitCode !== null || r.child.signalCode !== null);
        if (dead.length > 0)
          throw new Error(`exited: ${dead.map((r) => `${r.name} (${r.child.exitCode})`).join(', ')}`);
        return check();
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}\n${logsOf()}`, { cause: err });
  }
}

describe('docker-compose.yml', () => {
  it('runs the app image for api, relay, worker and both emulators; the rest are postgres, kafka and metrics', () => {
    const built = serviceNames.filter((s) => compose.services[s]!.build !== undefined);
    expect(built.sort()).toEqual([...APP_SERVICES].sort());
    expect(serviceNames.filter((s) => !built.includes(s)).sort()).toEqual([
      'grafana',
      'kafka',
      'postgres',
      'prometheus',
    ]);
  });

  it('Prometheus scrapes every app role that serves /metrics, and Grafana is provisioned from the repo', () => {
    const scrape = fs.readFileSync('infra/prometheus/prometheus.yml', 'utf8');
    for (const role of ['api', 'relay', 'worker']) expect(scrape).toContain(`${role}:4000`);
    const mounts = (compose.services.grafana as { volumes?: string[] }).volumes ?? [];
    for (const dir of ['./infra/grafana/provisioning', './infra/grafana/dashboards']) {
      expect(mounts.some((m) => m.startsWith(`${dir}:`))).toBe(true);
      expect(fs.existsSync(dir)).toBe(true);
    }
  });

  it('publishes no fixed host port 5432 (a local PostgreSQL keeps it)', () => {
    for (const [name, service] of Object.entries(compose.services))
      for (const { host } of published(service)) expect(`${name}:${host}`).not.toBe(`${name}:5432`);
  });

  it('advertises a Kafka listener on 127.0.0.1/localhost at a published port, for host tools', () => {
    const kafka = compose.services.kafka!;
    const env = serviceEnv(kafka, shell);
    const advertised = env.KAFKA_ADVERTISED_LISTENERS!.split(',').map((l) => /^(\w+):\/\/([^:]+):(\d+)$/.exec(l)!);
    expect(advertised.map((m) => m[2])).toContain('kafka'); // for the other containers
    const host = advertised.find((m) => ['127.0.0.1', 'localhost'].includes(m[2]!));
    expect(host).toBeDefined();
    const listener = env.KAFKA_LISTENERS!.split(',').find((l) => l.startsWith(`${host![1]}://`))!;
    const containerPort = Number(listener.split(':').at(-1));
    expect(published(kafka)).toContainEqual({ host: Number(host![3]), target: containerPort });
  });

  it('gives the app development settings, the emulators and no empty variable unless told otherwise', () => {
    for (const name of ['api', 'relay', 'worker']) {
      const env = { ...image.env, ...serviceEnv(compose.services[name]!, shell) };
      expect(env).toMatchObject({
        NODE_ENV: 'development',
        STRIPE_API_BASE: 'http://stripe-emulator:12111',
        SALESFORCE_LOGIN_URL: 'http://salesforce-emulator:4545',
      });
      expect(env.API_TOKENS).toBeUndefined();
      const told = { NODE_ENV: 'production', API_TOKENS: 't1', STRIPE_SECRET_KEY: 'sk_live_x', LOG_LEVEL: 'warn' };
      expect(serviceEnv(loadCompose(told).services[name]!, told)).toMatchObject(told);
    }
    for (const name of APP_SERVICES)
      for (const [k, v] of Object.entries(serviceEnv(compose.services[name]!, shell)))
        expect(`${name} ${k}=${v}`).not.toBe(`${name} ${k}=`);
  });

  const dockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
  (dockerCompose ? it : it.skip)('is what `docker-compose config` makes of it (when that is installed)', () => {
    // An empty env file, so that a developer's .env does not count (the processes below do not read it either).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-'));
    fs.writeFileSync(path.join(dir, 'empty.env'), '');
    const res = spawnSync('docker-compose', ['-f', COMPOSE_FILE, '--env-file', path.join(dir, 'empty.env'), 'config'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH! },
    });
    fs.rmSync(dir, { recursive: true });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const theirs = parse(res.stdout) as ComposeFile;
    for (const name of serviceNames) {
      const [mine, their] = [compose.services[name]!, theirs.services[name]!];
      expect([name, serviceEnv(their, {})]).toEqual([name, serviceEnv(mine, shell)]);
      expect([name, their.entrypoint, their.command]).toEqual([name, mine.entrypoint, mine.command]);
      expect([name, published(their)]).toEqual([name, published(mine)]);
    }
  });

  describe('its services, run as processes', () => {
    let api = '';
    let stripe = '';
    let salesforce = '';

    beforeAll(async () => {
      // Each container has its own network, all processes here share one: every port a service may listen on (the
      // ones it publishes and the image's EXPOSE) becomes a free port, in its own settings (PORT=4000, …) and in
      // the others' addresses for it (http://api:4000/…).
      const addresses = new Map<string, string>([['kafka:9092', process.env.KAFKA_BROKERS!]]);
      const listenPorts = new Map<string, Map<string, string>>();
      for (const name of APP_SERVICES) {
        const ports = new Map<string, string>();
        for (const target of new Set([...published(compose.services[name]!).map((p) => p.target), ...image.expose])) {
          const port = String(await freePort());
          addresses.set(`${name}:${target}`, `127.0.0.1:${port}`);
          ports.set(String(target), port);
        }
        listenPorts.set(name, ports);
      }
      const pgService = serviceEnv(compose.services.postgres!, shell);
      const databaseUrl = await createTestDatabase();

      for (const name of APP_SERVICES) {
        const service = compose.services[name]!;
        const env: Env = { ...image.env, ...serviceEnv(service, shell) };
        for (const [k, v] of Object.entries(env)) {
          if (k === 'DATABASE_URL') {
            const url = new URL(v);
            expect([url.hostname, url.port, url.username, url.password, url.pathname]).toEqual([
              'postgres',
              '5432',
              pgService.POSTGRES_USER,
              pgService.POSTGRES_PASSWORD,
              `/${pgService.POSTGRES_DB}`,
            ]);
            env[k] = databaseUrl;
            continue;
          }
          env[k] = v.replace(/(?<=^|[/@,])([\w-]+:\d+)(?=$|[/,])/g, (hostPort) => addresses.get(hostPort) ?? hostPort);
          env[k] = listenPorts.get(name)!.get(v) ?? env[k];
        }
        for (const v of Object.values(env))
          for (const other of serviceNames) expect(v).not.toMatch(new RegExp(`(^|[/@,])${other}:\\d`));

        const entrypoint = service.entrypoint ?? image.entrypoint;
        const argv = [...entrypoint, ...(service.command ?? (service.entrypoint ? [] : image.cmd))];
        // `node dist/<file>.js …`: the image's build output, run here from its source.
        expect(argv[0]).toBe('node');
        const source = /^dist\/(.+)\.js$/.exec(argv[1]!)?.[1];
        expect(source && fs.existsSync(`${source}.ts`)).toBeTruthy();
        const built = (JSON.parse(fs.readFileSync('tsconfig.build.json', 'utf8')) as { include: string[] }).include;
        expect(built).toContain(source!.split('/')[0]);
        const child = spawn(
          process.execPath,
          ['--import', '@swc-node/register/esm-register', `${source}.ts`, ...argv.slice(2)],
          { env: { ...env, PATH: process.env.PATH! }, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        const output: string[] = [];
        child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
        child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
        running.push({ name, argv, env, child, output });
      }
      api = `http://${addresses.get('api:4000')}`;
      stripe = `http://${addresses.get('stripe-emulator:12111')}`;
      salesforce = `http://${addresses.get('salesforce-emulator:4545')}`;
    });

    afterAll(async () => {
      await Promise.all(
        running.map(async ({ child }) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    });

    const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const res = await fetch(`${api}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: unknown };
      if (!res.ok || body.errors) throw new Error(`GraphQL ${res.status}: ${JSON.stringify(body.errors)}`);
      return body.data!;
    };

    it('start and stay up; a customer created through the api is SYNCED to both emulators', async () => {
      await waitFor('emulators listening on 0.0.0.0', () =>
        ['stripe-emulator', 'salesforce-emulator'].every((name) =>
          running
            .find((r) => r.name === name)!
            .output.join('')
            .includes('listening on http://0.0.0.0:'),
        ),
      );
      await waitFor('api /healthz', async () => (await fetch(`${api}/healthz`)).status === 200);
      await waitFor('relay and worker started', () =>
        running
          .filter((r) => ['relay', 'worker'].includes(r.name))
          .every((r) => r.output.join('').includes('catalog-sync started')),
      );
      await waitFor('api /readyz', async () => (await fetch(`${api}/readyz`)).status === 200);

      const { createCustomer } = await gql<{ createCustomer: { id: string } }>(
        'mutation { createCustomer(input: {name: "Ada Lovelace", email: "ada@example.com"}) { id } }',
      );
      type Status = { provider: string; state: string; externalId: string | null; lastError: string | null };
      const statuses = await waitFor('SYNCED to Stripe and Salesforce', async () => {
        const { customer } = await gql<{ customer: { syncStatus: Status[] } }>(
          'query($id: ID!) { customer(id: $id) { syncStatus { provider state externalId lastError } } }',
          { id: createCustomer.id },
        );
        const states = customer.syncStatus.map((s) => `${s.provider}=${s.state}`).sort();
        expect(states).toEqual(['SALESFORCE=SYNCED', 'STRIPE=SYNCED']);
        return customer.syncStatus;
      });

      // The emulators hold it, as seen through their container-facing listeners.
      const stripeId = statuses.find((s) => s.provider === 'STRIPE')!.externalId!;
      const auth = { authorization: `Basic ${Buffer.from('sk_test_emulator:').toString('base64')}` };
      const stripeCustomer = await fetch(`${stripe}/v1/customers/${stripeId}`, { headers: auth });
      expect(((await stripeCustomer.json()) as { name: string }).name).toBe('Ada Lovelace');
      const token = await fetch(`${salesforce}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=emulator-client-id&client_secret=emulator-client-secret',
      });
      // The links it hands out point where the client reached it, not at its loopback-only listener.
      expect(((await token.json()) as { instance_url: string }).instance_url).toBe(salesforce);

      // Webhooks reach the api: an edit in Stripe comes back into the catalog.
      const edit = await fetch(`${stripe}/v1/customers/${stripeId}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=Changed+in+Stripe',
      });
      expect(edit.status).toBe(200);
      await waitFor('the Stripe edit in the catalog', async () => {
        const { customer } = await gql<{ customer: { name: string } }>(
          'query($id: ID!) { customer(id: $id) { name } }',
          {
            id: createCustomer.id,
          },
        );
        expect(customer.name).toBe('Changed in Stripe');
      });

      for (const r of running) expect([r.name, r.child.exitCode, r.child.signalCode]).toEqual([r.name, null, null]);
    }, 45_000);
  });
});
