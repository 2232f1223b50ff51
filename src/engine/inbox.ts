import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { ProviderId } from '../core/enums.js';
import { InboxEvent } from './entities/index.js';

/**
 * The inbox: provider event ids already handled (providers deliver at least once). An event is claimed in the
 * transaction that applies its change, so a crash before the commit redoes both.
 */

/** Which of these event ids of this provider are in the inbox (applied, or judged echoes, before). */
export async function seenEvents(em: EntityManager, provider: ProviderId, eventIds: readonly string[]) {
  if (eventIds.length === 0) return new Set<string>();
  const rows = await em.find(
    InboxEvent,
    { provider, eventId: { $in: [...new Set(eventIds)] } },
    { fields: ['eventId'] },
  );
  return new Set(rows.map((r) => r.eventId));
}

/** Claims the event ids (one statement); returns those not claimed before (the others are redeliveries). */
export async function claimEvents(
  em: EntityManager,
  provider: ProviderId,
  eventIds: readonly string[],
): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const unique = [...new Set(eventIds)];
  const rows = await em.execute<{ event_id: string }[]>(
    `insert into inbox_event (id, provider, event_id, received_at) values ${unique.map(() => '(?, ?, ?, now())').join(', ')}
       on conflict do nothing returning event_id`,
    unique.flatMap((eventId) => [randomUUID(), provider, eventId]),
  );
  return new Set(rows.map((r) => r.event_id));
}
