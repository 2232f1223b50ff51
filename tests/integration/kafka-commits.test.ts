import { randomUUID } from 'node:crypto';
import { createKafkaTransport, type KafkaTransport } from '../../src/platform/kafka.js';
import { expectEventually } from '../support/eventually.js';
import { testLogger } from '../support/harness.js';

/**
 * A subscription that commits its position at most every `commitEveryMs` (the API's sync-status feed) still
 * commits it: a consumer of its group that joins again resumes there, not at the end of the topic.
 */
describe('throttled consumer commits', () => {
  let kafka: KafkaTransport;
  const topic = `test.commits.${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    kafka = createKafkaTransport({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 't', logger: testLogger });
    await kafka.ensureTopics([topic], 3);
  });
  afterAll(async () => kafka?.close());

  const publish = (values: string[]) => kafka.publish(values.map((value, i) => ({ topic, key: `k${i}`, value })));

  it('resumes after a rejoin from the last commit, at most commitEveryMs behind', async () => {
    const groupId = `test-commits-${randomUUID()}`;
    const seen: string[] = [];
    const subscribe = () =>
      kafka.subscribe({
        groupId,
        topics: [topic],
        fromBeginning: false,
        commitEveryMs: 200,
        handle: async (m) => void seen.push(m.value!.toString()),
      });
    let sub = await subscribe();
    await publish(['a1', 'a2', 'a3', 'a4']);
    await expectEventually(() => seen.length === 4);
    // Committed within commitEveryMs of the last message: nothing of the topic left for the group.
    await expectEventually(async () => (await kafka.lag(groupId, [topic])) === 0);
    await sub.stop();

    await publish(['b1', 'b2']);
    sub = await subscribe();
    try {
      await expectEventually(() => seen.length === 6);
      expect(seen.slice(4).sort()).toEqual(['b1', 'b2']);
    } finally {
      await sub.stop();
    }
  });
});
