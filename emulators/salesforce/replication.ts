/**
 * Data replication resources (sObject Get Updated / Get Deleted), the polling side of the sync
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm,
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getupdated.htm).
 * As in Salesforce, "the seconds portion of the dateTime is ignored": start and end are truncated to the
 * minute, and a window that is then empty (start and end in the same minute) is refused with
 * INVALID_REPLICATION_DATE. Windows are [start, latestDateCovered): latestDateCovered is a minute boundary that
 * never passes "now", so feeding it back as the next start never skips a write. getDeleted also refuses a start
 * before earliestDateAvailable (the delete log was purged since): the client has to resync fully.
 */
import { ApiError } from './errors.js';
import type { Reply } from './http.js';
import type { ApiContext } from './org.js';
import type { SObjectDef } from './schema.js';
import { formatRestDateTime, parseDateTime } from './time.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;

function replicationError(message: string): ApiError {
  return new ApiError(400, 'INVALID_REPLICATION_DATE', message);
}

function dateParam(ctx: ApiContext, name: 'start' | 'end'): number {
  // An unencoded '+00:00' arrives as ' 00:00' after form decoding; accept it rather than fail obscurely.
  const raw = ctx.query.get(name)?.replace(/ /g, '+');
  if (!raw) throw replicationError(`Missing required parameter: ${name}`);
  const ms = parseDateTime(raw);
  if (ms === undefined)
    throw replicationError(`${name} must be an ISO 8601 date-time (YYYY-MM-DDThh:mm:ss+hh:mm): ${raw}`);
  return ms;
}

const toMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

export function handleReplication(ctx: ApiContext, def: SObjectDef, kind: 'updated' | 'deleted'): Reply {
  const { org } = ctx;
  const start = toMinute(dateParam(ctx, 'start'));
  const end = toMinute(dateParam(ctx, 'end'));
  if (start >= end) {
    throw replicationError(
      'startDate must chronologically precede endDate by at least one minute (seconds are ignored)',
    );
  }
  const now = org.clock.now();
  const maxAgeDays = kind === 'updated' ? 30 : 15;
  if (start < now - maxAgeDays * DAY_MS) {
    throw replicationError(`startDate cannot be more than ${maxAgeDays} days ago`);
  }
  const earliest = org.availableSince;
  if (kind === 'deleted' && start < earliest) {
    throw replicationError(
      `startDate is before earliestDateAvailable ${formatRestDateTime(earliest)}: deleted records were purged, resynchronize fully`,
    );
  }
  const latest = Math.max(start, Math.min(end, toMinute(now)));
  if (kind === 'updated') {
    const ids = org.store
      .all(def.name)
      .filter((r) => {
        const t = r.values.SystemModstamp;
        return typeof t === 'number' && t >= start && t < latest;
      })
      .sort((a, b) => Number(a.values.SystemModstamp) - Number(b.values.SystemModstamp))
      .map((r) => r.id);
    return { status: 200, body: { ids, latestDateCovered: formatRestDateTime(latest) } };
  }
  const deletedRecords = org.store
    .all(def.name, true)
    .filter((r) => r.deletedAt !== undefined && r.deletedAt >= start && r.deletedAt < latest)
    .sort((a, b) => Number(a.deletedAt) - Number(b.deletedAt))
    .map((r) => ({ id: r.id, deletedDate: formatRestDateTime(Number(r.deletedAt)) }));
  return {
    status: 200,
    body: {
      deletedRecords,
      earliestDateAvailable: formatRestDateTime(earliest),
      latestDateCovered: formatRestDateTime(latest),
    },
  };
}
