import type { EntityType } from '../../core/enums.js';
import type { Logger } from '../../core/logger.js';
import type { InboundMessage, Poller } from '../../core/provider.js';
import { ProviderError } from '../../core/provider-error.js';
import { resyncMessage } from '../../engine/resync.js';
import type { SalesforceApi } from './api.js';
import { inboundMessage } from './inbound.js';
import { serverTime } from './server-time.js';

/** Salesforce keeps deleted-record data 15 days (updated 30): a cursor older than this cannot be caught up. */
const REPLICATION_WINDOW_MS = 14 * 86_400_000;
const MINUTE_MS = 60_000;

/** "The API ignores the seconds portion of the specified dateTime value" for both ends of a window. */
const toMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Catches what outbound messages miss — deletes (which never produce one), messages dropped after 24 h of
 * failed delivery, changes made while the rule was off — with the replication API
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm,
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getupdated.htm):
 * ids of one sObject type updated/deleted since the cursor become inbound messages like any other change. The
 * engine (PollRunner) runs it on a timer, one process at a time, and keeps the cursor in Postgres. Its calls go
 * through the same rate limiter as the adapters'.
 *
 * Salesforce's rules, and how they are met:
 * - Time is Salesforce's (getServerTimestamp, as its replication guide does), so a skewed local clock neither
 *   asks for a window Salesforce has not finished nor skips one.
 * - Seconds are ignored and a window must span at least a minute (else INVALID_REPLICATION_DATE): a poll
 *   within the cursor's minute asks nothing and keeps the cursor; windows run from minute to minute.
 * - The next start is the `latestDateCovered` of the window (the earlier of the two calls'), so a change still
 *   being committed at the end of a window is in the next. A record may come up in two windows; each poll
 *   message's event id names its window, and the inbound path re-reads the record, so a repeat of an unchanged
 *   record changes nothing and a changed one is applied.
 * - A start Salesforce can no longer answer for (before getDeleted's `earliestDateAvailable`, the delete log
 *   having been purged; or older than the replication window) means deletes may have been lost: the poller
 *   warns, moves its cursor to now and asks the engine for a full resync of its catalog (`resync.ts`), which
 *   imports every record and re-reads every linked one Salesforce no longer lists.
 */
export function replicationPoller(opts: {
  api: SalesforceApi;
  sObjectType: string;
  entityType: EntityType;
  intervalMs: number;
  logger: Logger;
}): Poller {
  const { api, sObjectType, entityType, logger } = opts;
  const resync = (reason: string, cursor: string | undefined, end: number) => {
    logger.warn('Salesforce cannot say what changed since the poll cursor; starting a full resync', {
      sObjectType,
      cursor,
      reason,
    });
    return { messages: [resyncMessage(entityType, `${sObjectType}: ${reason}`)], cursor: iso(end) };
  };
  return {
    name: sObjectType.toLowerCase(),
    intervalMs: opts.intervalMs,
    async poll(cursor) {
      const end = toMinute((await serverTime(api)).getTime());
      // First run: start from now; importFromProvider covers what existed before.
      if (!cursor) return { messages: [], cursor: iso(end) };
      const start = toMinute(Date.parse(cursor));
      if (!Number.isFinite(start)) return resync(`unreadable cursor ${cursor}`, cursor, end);
      if (end - start < MINUTE_MS) return { messages: [], cursor };
      if (start < end - REPLICATION_WINDOW_MS) return resync('cursor older than the replication window', cursor, end);
      const window = [new Date(start), new Date(end)] as const;
      let updated: { ids: string[]; latestDateCovered: string };
      let deleted: { deletedRecords: Array<{ id: string }>; latestDateCovered: string };
      try {
        [updated, deleted] = await Promise.all([
          api.call('poll updated', (conn) => conn.sobject(sObjectType).updated(...window)),
          api.call('poll deleted', (conn) => conn.sobject(sObjectType).deleted(...window)),
        ]);
      } catch (err) {
        if (err instanceof ProviderError && err.providerCode === 'INVALID_REPLICATION_DATE')
          return resync(err.message, cursor, end);
        throw err;
      }
      const message = (eventId: string, recordId: string): InboundMessage => ({
        key: recordId,
        value: JSON.stringify(inboundMessage({ source: 'poll', eventId, sObjectType, recordId })),
      });
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
      return { messages, cursor: covered.length > 0 ? iso(Math.min(...covered)) : cursor };
    },
  };
}
