import type { EntityType, ProviderId } from './enums.js';

/**
 * Topic names, derived from catalog and provider names so a new catalog or provider gets its own topics without
 * touching this file. Topics are created explicitly at start-up (the broker does not auto-create).
 */
export const SYNC_STATUS_TOPIC = 'sync.status';

/** Every change of one catalog's records, keyed by record id (per-record order). */
export function catalogTopic(entityType: EntityType): string {
  return `catalog.${entityType.toLowerCase()}`;
}

/** Per provider: where webhooks and polls land, where failed writes wait for their retry, and where they go to die. */
export function providerTopics(provider: ProviderId): { inbound: string; retry: string; deadLetter: string } {
  const name = provider.toLowerCase();
  return { inbound: `inbound.${name}`, retry: `retry.${name}`, deadLetter: `dlq.${name}` };
}

export function allTopics(entityTypes: readonly EntityType[], providers: readonly ProviderId[]): string[] {
  return [
    ...entityTypes.map(catalogTopic),
    SYNC_STATUS_TOPIC,
    ...providers.flatMap((p) => Object.values(providerTopics(p))),
  ];
}
