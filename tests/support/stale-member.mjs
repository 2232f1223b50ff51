// Stands in for a catalog-sync process killed with SIGKILL: it joins a consumer group and never leaves, so the
// group waits out its session before a restarted process can join. Usage (the test kills it once it has joined):
//   node stale-member.mjs <brokers> <groupId> <topic> <sessionTimeoutMs>
import kafkajs from 'kafkajs';

const [brokers, groupId, topic, sessionTimeout] = process.argv.slice(2);
const kafka = new kafkajs.Kafka({
  brokers: brokers.split(','),
  clientId: 'stale-member',
  logLevel: kafkajs.logLevel.NOTHING,
});
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), heartbeatInterval: 1000 });
consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('joined\n'));
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: false });
await consumer.run({ eachMessage: () => new Promise(() => {}) });
