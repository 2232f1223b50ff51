/**
 * Prints the events on Kafka topics as they arrive (from the beginning), one JSON line each.
 * Usage: KAFKA_BROKERS=127.0.0.1:PORT npm run kafka:tail -- catalog.customer [sync.status ...]
 */
import { randomUUID } from 'node:crypto';
import { createKafkaTransport } from '../src/platform/kafka.js';
import { topics as ALL_TOPICS } from '../src/registry.js';
import { createLogger } from '../src/platform/logger.js';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (brokers.length === 0) {
  console.error('Set KAFKA_BROKERS (npm start prints it).');
  process.exit(2);
}
const topics = process.argv.slice(2).length ? process.argv.slice(2) : [...ALL_TOPICS];
const kafka = createKafkaTransport({ brokers, clientId: 'catalog-sync-tail', logger: createLogger('warn') });
await kafka.subscribe({
  groupId: `catalog-sync-tail-${randomUUID()}`,
  topics,
  fromBeginning: true,
  async handle(m) {
    console.log(JSON.stringify({ topic: m.topic, key: m.key, value: m.value ? JSON.parse(m.value.toString()) : null }));
  },
});
console.error(`Tailing ${topics.join(', ')} on ${brokers.join(',')} (Ctrl-C to stop)`);
process.on('SIGINT', () => void kafka.close().then(() => process.exit(0)));
