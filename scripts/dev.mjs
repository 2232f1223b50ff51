// `npm start`: the whole system on this machine, no Docker needed.
// Starts (unless you point at your own with DATABASE_URL / KAFKA_BROKERS) a throwaway PostgreSQL cluster and a
// single-node KRaft Kafka broker, then catalog-sync with role `all` (API + outbox relay + workers).
// Ctrl-C stops everything and removes the throwaway data.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { KafkaBroker, projectRoot, startPostgres } from './lib/services.mjs';
import { startLocalEmulators } from './lib/emulators.mjs';

const say = (msg) => process.stdout.write(`[start] ${msg}\n`);
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

try {
  const env = { ...process.env };
  env.PORT ??= '4000';
  if (!env.DATABASE_URL) {
    const pg = await startPostgres();
    cleanups.push(() => pg.stop());
    env.DATABASE_URL = pg.url;
    say(`PostgreSQL (throwaway) at ${pg.url}`);
  }
  if (!env.KAFKA_BROKERS) {
    const kafka = await KafkaBroker.create();
    cleanups.push(() => kafka.destroy());
    env.KAFKA_BROKERS = kafka.brokers;
    say(`Kafka (throwaway, KRaft) at ${kafka.brokers}`);
  }
  const appUrl = `http://127.0.0.1:${env.PORT}`;
  const emulators = await startLocalEmulators(env, appUrl, say);
  cleanups.push(() => emulators.close());

  const app = spawn(process.execPath, [path.join(projectRoot, 'dist', 'src', 'main.js'), 'all'], {
    env,
    stdio: 'inherit',
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
  say(`GraphQL API and Apollo Sandbox: ${appUrl}/graphql  (Ctrl-C to stop everything)`);
} catch (err) {
  say(`failed: ${err.message}`);
  await shutdown(1);
}
