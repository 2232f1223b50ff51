import 'reflect-metadata';
import { startApp, ROLES, type Role } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './platform/logger.js';
import { silenceKafkajsTimerWarnings } from './platform/warnings.js';

silenceKafkajsTimerWarnings();

/** Process entry: `node dist/src/main.js <api|worker|relay|all>` (default all). */
async function main() {
  const role = (process.argv[2] ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    console.error(`Unknown role "${role}". Use one of: ${ROLES.join(', ')}`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL, { role });
  const app = await startApp(config, role, logger);
  logger.info('catalog-sync started'); // the role is a base field of every line
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('catalog-sync failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
