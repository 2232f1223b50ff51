import { randomUUID } from 'node:crypto';
import type { ProviderId } from '../core/enums.js';
import type { Logger } from '../core/logger.js';
import type { Poller } from '../core/provider.js';
import { providerTopics } from '../core/topics.js';
import { LockKeys, tryLockXactNamed } from '../platform/db/advisory-locks.js';
import type { Orm } from '../platform/db/orm.js';
import type { KafkaTransport } from '../platform/kafka.js';
import { PollCursor } from './entities/index.js';

/**
 * Runs one provider poller every `intervalMs`: one process at a time polls a given provider and name (advisory
 * lock), the cursor lives in Postgres (restarts miss nothing), and what the poll finds goes on the provider's
 * inbound topic like any webhook. The cursor only moves once the messages are on Kafka.
 */
export class PollRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly orm: Orm,
    private readonly kafka: KafkaTransport,
    private readonly provider: ProviderId,
    private readonly poller: Poller,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.pollOnce()
        .catch((error: unknown) => this.logger.warn('poll failed; will try again', { poller: this.poller.name, error }))
        .then(() => undefined)
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.poller.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One poll: returns how many changes it queued (0 when another process holds the lock). */
  async pollOnce(now: Date = new Date()): Promise<number> {
    return this.orm.em.fork().transactional(async (tx) => {
      if (!(await tryLockXactNamed(tx, LockKeys.poll, `${this.provider}:${this.poller.name}`))) return 0;
      const where = { provider: this.provider, name: this.poller.name };
      const cursor = await tx.findOne(PollCursor, where);
      const { messages, cursor: next } = await this.poller.poll(cursor?.value, now);
      const topic = providerTopics(this.provider).inbound;
      await this.kafka.publish(messages.map((m) => ({ topic, ...m })));
      if (cursor) cursor.value = next;
      else tx.create(PollCursor, { id: randomUUID(), ...where, value: next });
      return messages.length;
    });
  }
}
