import type { EntityName, EventSubscriber, FlushEventArgs, TransactionEventArgs } from '@mikro-orm/core';
import pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { Orm } from './orm.js';

export interface Listener {
  close(): Promise<void>;
}

const RETRY_MS = { first: 500, max: 10_000 };
const COALESCE_MS = 1;

/**
 * LISTENs on one Postgres channel over a connection of its own (the ORM's pool hands connections out per query,
 * and a LISTEN lasts as long as its session), calling `onNotify` for each notification. A lost connection is
 * reopened with capped backoff, calling `onNotify` once reconnected, since notifications sent meanwhile are gone.
 * A hint, never the only way: callers keep a slower poll for whatever a notification misses.
 */
export function listen(databaseUrl: string, channel: string, onNotify: () => void, logger: Logger): Listener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async () => {
    if (closed) return;
    // TCP keepalive: a connection dropped without a word (a NAT, a failover) is noticed and reopened.
    const c = new pg.Client({
      connectionString: databaseUrl,
      application_name: `catalog-sync listen ${channel}`,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    c.on('notification', (n) => {
      if (n.channel === channel) onNotify();
    });
    let lost = false;
    c.on('error', (error) => {
      if (lost) return; // one reconnect per connection, however many errors it reports
      lost = true;
      logger.warn('notification connection lost; reconnecting', { channel, error });
      reconnect(c);
    });
    try {
      await c.connect();
      await c.query(`listen "${channel.replace(/"/g, '""')}"`);
      if (closed) return void (await c.end().catch(() => undefined));
      client = c;
      if (failures > 0) logger.info('notification connection restored', { channel, afterFailures: failures });
      failures = 0;
      onNotify();
    } catch (error) {
      if (failures === 0) logger.warn('cannot listen for notifications; polling until it can', { channel, error });
      reconnect(c);
    }
  };
  const reconnect = (c: pg.Client) => {
    const current = client === c;
    if (current) client = undefined;
    c.end().catch(() => undefined);
    // A connection already replaced (or never current while another is) needs no new one.
    if (closed || retry || (!current && client !== undefined)) return;
    const delay = Math.min(RETRY_MS.max, RETRY_MS.first * 2 ** Math.min(failures, 5));
    failures += 1;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}

/**
 * NOTIFYs `channel` after every commit that inserted rows of `entity` (the outbox), so a LISTENing relay in another
 * process publishes at once. From outside those transactions, on purpose: a transaction that NOTIFYs takes a
 * cluster-wide lock at commit and holds it through its WAL flush (PostgreSQL async.c, PreCommit_Notify), so a
 * trigger would make every change's commit wait for every other's. Coalesced: at most one NOTIFY per COALESCE_MS per
 * process. Best effort: the relay still polls.
 */
export function notifyAfterCommit(orm: Orm, entity: EntityName, channel: string, logger: Logger): void {
  const className = typeof entity === 'string' ? entity : (entity as { name: string }).name;
  const committing = new WeakSet<object>();
  let timer: NodeJS.Timeout | undefined;
  // One NOTIFY per COALESCE_MS at most, for every commit before it: a busy worker commits hundreds of times a
  // second, and each NOTIFY is a statement (and a wake-up of the relay, which takes them all in one round anyway).
  const send = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      orm.em
        .fork()
        .execute('select pg_notify(?, ?)', [channel, ''])
        .catch((error: unknown) => logger.debug('could not notify; the relay polls', { channel, error }));
    }, COALESCE_MS);
    timer.unref();
  };
  const subscriber: EventSubscriber = {
    afterFlush({ em, uow }: FlushEventArgs) {
      const inserted = uow.getChangeSets().some((cs) => cs.type === 'create' && cs.meta.className === className);
      if (!inserted) return;
      const trx = em.getTransactionContext<object>();
      if (trx)
        committing.add(trx); // notified once the transaction commits
      else send(); // the flush's own transaction has committed
    },
    afterTransactionCommit({ transaction }: TransactionEventArgs) {
      if (transaction && committing.delete(transaction)) send();
    },
  };
  orm.em.getEventManager().registerSubscriber(subscriber);
}
