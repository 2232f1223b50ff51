import type { Connection } from 'jsforce';
import { LockKeys, tryLockXact } from '../db/advisory-locks.js';
import { randomUUID } from 'node:crypto';
import type { SalesforceInboundMessage } from '../connectors/salesforce/connector.js';
import { toProviderError } from '../connectors/salesforce/connector.js';
import { PollCursor } from '../domain/entities/index.js';
import { Provider } from '../domain/enums.js';
import type { Orm } from '../db/orm.js';
import type { KafkaTransport } from '../events/kafka.js';
import { Topics } from '../events/topics.js';
import type { Logger } from '../logger.js';

/**
 * Catches what outbound messages miss — deletes (which never produce one), messages dropped after 24 h of
 * failed delivery, changes made while the rule was off — with the replication API
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm):
 * Contact ids updated/deleted since the stored cursor go on `inbound.salesforce` like any other change.
 * One poller at a time (advisory lock); the cursor lives in Postgres.
 */
export class SalesforcePoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly orm: Orm,
    private readonly kafka: KafkaTransport,
    private readonly conn: Connection,
    private readonly ready: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.pollOnce()
        .catch((error: unknown) =>
          this.logger.warn('Salesforce poll failed; will try again', { error: toProviderError(error, 'poll') }),
        )
        .then(() => undefined)
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One poll: returns how many changes it queued (0 when another poller holds the lock). */
  async pollOnce(now: Date = new Date()): Promise<number> {
    const em = this.orm.em.fork();
    return em.transactional(async (tx) => {
      if (!(await tryLockXact(tx, LockKeys.salesforcePoll))) return 0;
      const cursor =
        (await tx.findOne(PollCursor, { provider: Provider.SALESFORCE, name: 'contact' })) ??
        // First run: start from now; importFromProvider covers what existed before.
        tx.create(PollCursor, {
          id: randomUUID(),
          provider: Provider.SALESFORCE,
          name: 'contact',
          value: now.toISOString(),
        });
      let start = new Date(cursor.value);
      // Salesforce keeps deleted-record data 15 days (updated 30): after a longer pause, poll what is left and say
      // that importFromProvider is needed to catch up fully.
      const oldest = new Date(now.getTime() - 14 * 86_400_000);
      if (start < oldest) {
        this.logger.warn(
          'Salesforce poll cursor is older than the replication window; run importFromProvider(SALESFORCE)',
          {
            cursor: cursor.value,
          },
        );
        start = oldest;
      }
      if (now.getTime() - start.getTime() < 1000) return 0;
      await this.ready();
      const contact = this.conn.sobject('Contact');
      const [updated, deleted] = await Promise.all([contact.updated(start, now), contact.deleted(start, now)]);
      const messages: SalesforceInboundMessage[] = [
        ...updated.ids.map((id) => ({
          source: 'poll' as const,
          eventId: `poll:${id}:${updated.latestDateCovered}`,
          contactId: id,
        })),
        ...deleted.deletedRecords.map((r) => ({
          source: 'poll' as const,
          eventId: `poll-deleted:${r.id}`,
          contactId: r.id,
        })),
      ];
      await this.kafka.publish(
        messages.map((m) => ({ topic: Topics.inboundSalesforce, key: m.contactId, value: JSON.stringify(m) })),
      );
      // Both windows end at their latestDateCovered; resume from the earlier one so neither misses anything.
      const covered = [updated.latestDateCovered, deleted.latestDateCovered]
        .map((d) => new Date(d).getTime())
        .filter(Number.isFinite);
      if (covered.length > 0) cursor.value = new Date(Math.min(...covered)).toISOString();
      if (messages.length > 0)
        this.logger.debug('Salesforce poll queued changes', {
          updated: updated.ids.length,
          deleted: deleted.deletedRecords.length,
        });
      return messages.length;
    });
  }
}
