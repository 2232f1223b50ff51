// `npm start`: the whole system on this machine, no Docker needed.
// Starts (unless you point at your own with DATABASE_URL / KAFKA_BROKERS) a PostgreSQL cluster and a single-node
// KRaft Kafka broker, the Stripe / Salesforce emulators when no credentials are set, then catalog-sync with role
// `all` (API + outbox relay + workers). Their data is kept under .data/ between runs (`npm run reset` wipes it).
// Ctrl-C stops the app first, then the emulators, the broker and the database.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { KafkaBroker, projectRoot, startPostgres, waitFor } from './lib/services.mjs';
import { startLocalEmulators } from './lib/emulators.mjs';

const say = (msg) => process.stdout.write(`[start] ${msg}\n`);
const dataDir = path.join(projectRoot, '.data');
const cleanups = [];
let shuttingDown = false;

async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      say(`cleanup failed: ${err.message}`);
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

/** Whether `url` answers 200 now. */
async function answers(url) {
  try {
    return (await globalThis.fetch(url)).ok;
  } catch {
    return false; // not listening yet
  }
}

function banner(appUrl, emulators, env) {
  const lines = [
    '',
    `catalog-sync is up. Data is kept in ${path.relative(process.cwd(), dataDir) || '.data'}/ (npm run reset wipes it).`,
    `  Admin console                   ${appUrl}/`,
    `  GraphQL API and GraphiQL        ${appUrl}/graphql  (Apollo Sandbox, online only: ${appUrl}/sandbox)`,
    `  Metrics                         ${appUrl}/metrics`,
    `  Health                          ${appUrl}/healthz, ${appUrl}/readyz`,
    `  PostgreSQL                      ${env.DATABASE_URL}`,
    `  Kafka                           ${env.KAFKA_BROKERS}  (npm run kafka:tail -- catalog.customer sync.status)`,
    ...emulators.info.flatMap((e) => [`  ${e.name.padEnd(32)}${e.url}`, `  ${''.padEnd(32)}${e.credentials}`]),
    '',
    'Try:',
    `  curl -s ${appUrl}/graphql -H 'content-type: application/json' \\`,
    `    -d '{"query":"mutation { createCustomer(input: {name: \\"Ada Lovelace\\", email: \\"ada@example.com\\"}) { id syncStatus { provider state } } }"}'`,
    '',
    'Ctrl-C stops everything (the data stays).',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  const env = { ...process.env };
  env.PORT ??= '4000';
  if (!env.DATABASE_URL) {
    const pg = await startPostgres({ dir: path.join(dataDir, 'postgres') });
    cleanups.push(() => pg.stop());
    env.DATABASE_URL = pg.url;
    say(`PostgreSQL at ${pg.url} (data in .data/postgres)`);
  }
  if (!env.KAFKA_BROKERS) {
    const kafka = await KafkaBroker.create({ dir: path.join(dataDir, 'kafka') });
    cleanups.push(() => kafka.destroy());
    env.KAFKA_BROKERS = kafka.brokers;
    say(`Kafka (KRaft) at ${kafka.brokers} (data in .data/kafka)`);
  }
  const appUrl = `http://127.0.0.1:${env.PORT}`;
  const emulators = await startLocalEmulators(env, appUrl, say, { stateDir: path.join(dataDir, 'emulators') });
  cleanups.push(() => emulators.close());

  // Its own process group: the terminal's Ctrl-C reaches only this script, which stops the app before the
  // services it uses (its Kafka consumers leave their groups while the broker is still there).
  const app = spawn(process.execPath, [path.join(projectRoot, 'dist', 'src', 'main.js'), 'all'], {
    env,
    stdio: 'inherit',
    detached: true,
  });
  // Cleanups run last-in first-out: the app stops before the services it uses.
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (app.exitCode !== null) return resolve();
        app.once('exit', resolve);
        app.kill('SIGTERM');
      }),
  );
  app.once('exit', (code) => {
    if (!shuttingDown) {
      say(`catalog-sync exited with code ${code}`);
      void shutdown(code ?? 1);
    }
  });
  await waitFor(`catalog-sync at ${appUrl}/healthz`, () => answers(`${appUrl}/healthz`), 120_000, app);
  banner(appUrl, emulators, env);
} catch (err) {
  say(`failed: ${err.message}`);
  await shutdown(1);
}
