/**
 * Data replication resources (sObject Get Updated / Get Deleted), the polling side of the sync.
 * Windows are [start, latestDateCovered): latestDateCovered never passes "now" (rounded down to the
 * granularity), so feeding it back as the next start never skips a write. Salesforce ignores the seconds
 * of start/end (granularity 60 s); the emulator defaults to 1 s so tests need not wait for a minute to pass.
 */
import { ApiError } from './errors.js';
import type { Reply } from './http.js';
import type { ApiContext } from './org.js';
import type { SObjectDef } from './schema.js';
import { formatRestDateTime, parseDateTime } from './time.js';

const DAY_MS = 24 * 60 * 60 * 1000;

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

export function handleReplication(ctx: ApiContext, def: SObjectDef, kind: 'updated' | 'deleted'): Reply {
  const { org } = ctx;
  const g = org.settings.replicationGranularityMs;
  const floor = (ms: number): number => Math.floor(ms / g) * g;
  const start = floor(dateParam(ctx, 'start'));
  const end = floor(dateParam(ctx, 'end'));
  if (start >= end) throw replicationError('startDate must chronologically precede endDate');
  const now = Date.now();
  const maxAgeDays = kind === 'updated' ? 30 : 15;
  if (start < now - maxAgeDays * DAY_MS) {
    throw replicationError(`startDate cannot be more than ${maxAgeDays} days ago`);
  }
  const latest = Math.max(start, Math.min(end, floor(now)));
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
      earliestDateAvailable: formatRestDateTime(floor(org.availableSince)),
      latestDateCovered: formatRestDateTime(latest),
    },
  };
}
