import type { InboundMessage, Poller } from '../../core/provider.js';
import type { Logger } from '../../core/logger.js';
import type { SalesforceApi } from './api.js';
import { inboundMessage } from './inbound.js';

/** Salesforce keeps deleted-record data 15 days (updated 30): a cursor older than this cannot be caught up. */
const REPLICATION_WINDOW_MS = 14 * 86_400_000;

/**
 * Catches what outbound messages miss — deletes (which never produce one), messages dropped after 24 h of
 * failed delivery, changes made while the rule was off — with the replication API
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm):
 * ids of one sObject type updated/deleted since the cursor become inbound messages like any other change. The
 * engine (PollRunner) runs it on a timer, one process at a time, and keeps the cursor in Postgres. Its calls go
 * through the same rate limiter as the adapters'.
 */
export function replicationPoller(opts: {
  api: SalesforceApi;
  sObjectType: string;
  intervalMs: number;
  logger: Logger;
}): Poller {
  const { api, sObjectType, logger } = opts;
  return {
    name: sObjectType.toLowerCase(),
    intervalMs: opts.intervalMs,
    async poll(cursor, now) {
      // First run: start from now; importFromProvider covers what existed before.
      if (!cursor) return { messages: [], cursor: now.toISOString() };
      let start = new Date(cursor);
      const oldest = new Date(now.getTime() - REPLICATION_WINDOW_MS);
      if (start < oldest) {
        // After a longer pause, poll what is left and say that an import is needed to catch up fully.
        logger.warn('Salesforce poll cursor is older than the replication window; run importFromProvider(SALESFORCE)', {
          cursor,
          sObjectType,
        });
        start = oldest;
      }
      if (now.getTime() - start.getTime() < 1000) return { messages: [], cursor };
      const [updated, deleted] = await Promise.all([
        api.call('poll updated', (conn) => conn.sobject(sObjectType).updated(start, now)),
        api.call('poll deleted', (conn) => conn.sobject(sObjectType).deleted(start, now)),
      ]);
      const message = (eventId: string, recordId: string): InboundMessage => {
        return {
          key: recordId,
          value: JSON.stringify(inboundMessage({ source: 'poll', eventId, sObjectType, recordId })),
        };
      };
      const messages = [
        ...updated.ids.map((id) => message(`poll:${id}:${updated.latestDateCovered}`, id)),
        ...deleted.deletedRecords.map((r) => message(`poll-deleted:${r.id}`, r.id)),
      ];
      if (messages.length > 0)
        logger.debug('Salesforce poll found changes', {
          sObjectType,
          updated: updated.ids.length,
          deleted: deleted.deletedRecords.length,
        });
      // Both windows end at their latestDateCovered; resume from the earlier one so neither misses anything.
      const covered = [updated.latestDateCovered, deleted.latestDateCovered]
        .map((d) => new Date(d).getTime())
        .filter(Number.isFinite);
      return { messages, cursor: covered.length > 0 ? new Date(Math.min(...covered)).toISOString() : cursor };
    },
  };
}
