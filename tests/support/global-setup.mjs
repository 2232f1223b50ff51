// Starts the real infrastructure once per test run: a throwaway PostgreSQL cluster and a KRaft Kafka broker.
// Set DATABASE_URL / KAFKA_BROKERS to use servers you already run instead.
import { KafkaBroker, startPostgres } from '../../scripts/lib/services.mjs';

export default async function globalSetup() {
  const started = [];
  globalThis.__catalogSyncServices = started;
  // `npm run test:unit` needs no servers.
  if (process.env.CATALOG_SYNC_NO_INFRA === '1') return;
  if (!process.env.DATABASE_URL) {
    const pg = await startPostgres();
    process.env.DATABASE_URL = pg.url;
    started.push(pg);
  }
  if (!process.env.KAFKA_BROKERS) {
    const kafka = await KafkaBroker.create();
    process.env.KAFKA_BROKERS = kafka.brokers;
    started.push({ stop: () => kafka.destroy() });
  }
}
