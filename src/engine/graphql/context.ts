import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { CatalogRowBase } from '../../core/catalog.js';
import type { EntityType, ProviderId } from '../../core/enums.js';
import type { Backfill } from '../backfill.js';
import type { Catalogs } from '../catalogs.js';
import type { CatalogChanges } from '../changes.js';
import { ExternalMapping } from '../entities/index.js';
import { listStatuses, type SyncStatusView } from '../sync-states.js';

/** A mapping whose provider record is known. */
export type LinkedMapping = ExternalMapping & { externalId: string };

export interface ProviderStatusView {
  provider: ProviderId;
  enabled: boolean;
  configured: boolean;
  webhook: boolean;
  apiUsage: { used: number; limit: number } | null;
  rateLimitPerSecond: number | null;
}

export interface Services {
  catalogs: Catalogs;
  /** The one path every local change takes (row + outbox + sync states). */
  changes: CatalogChanges;
  /** Per provider: enabled, configured, webhook on, API usage. */
  providers: () => ProviderStatusView[];
  /** Backfills from providers; undefined when no provider is configured. */
  imports?: Backfill | undefined;
  /** A record's page in the provider's web app (EntityAdapter.recordUrl), or null. */
  recordUrl(provider: ProviderId, entityType: EntityType, externalId: string): string | null;
  /** Called after a mutation commits, so the outbox relay in this process publishes without waiting a poll. */
  afterCommit(): void;
}

/** Per request (and per subscription operation): its own EntityManager fork and its own batch loaders. */
export interface GraphQLContext {
  em: EntityManager;
  services: Services;
  loaders: {
    /** Sync states of records of one catalog, batched per request. */
    statuses(entityType: EntityType): DataLoader<string, SyncStatusView[]>;
    /** External mappings of records of one catalog, batched per request. */
    mappings(entityType: EntityType): DataLoader<string, LinkedMapping[]>;
    /**
     * Live records of one catalog sharing a natural-key value (e.g. the same email), batched per request: the
     * "possible duplicates" a person may want to merge (README, "Same natural key on two records").
     */
    sameKey(entityType: EntityType): DataLoader<string, CatalogRowBase[]>;
  };
}

export function createContext(em: EntityManager, services: Services): GraphQLContext {
  const statuses = new Map<EntityType, DataLoader<string, SyncStatusView[]>>();
  const mappings = new Map<EntityType, DataLoader<string, LinkedMapping[]>>();
  const sameKey = new Map<EntityType, DataLoader<string, CatalogRowBase[]>>();
  return {
    em,
    services,
    loaders: {
      statuses(entityType) {
        let loader = statuses.get(entityType);
        if (!loader) {
          loader = new DataLoader(async (ids) => {
            const map = await listStatuses(em, entityType, ids);
            return ids.map((id) => map.get(id) ?? []);
          });
          statuses.set(entityType, loader);
        }
        return loader;
      },
      mappings(entityType) {
        let loader = mappings.get(entityType);
        if (!loader) {
          loader = new DataLoader(async (ids) => {
            // Linked ones only: a mapping without a provider id is a create still in flight.
            const rows = await em.find(ExternalMapping, {
              entityType,
              entityId: { $in: [...ids] },
              externalId: { $ne: null },
            });
            return ids.map((id) => rows.filter((r): r is LinkedMapping => r.entityId === id));
          });
          mappings.set(entityType, loader);
        }
        return loader;
      },
      sameKey(entityType) {
        let loader = sameKey.get(entityType);
        if (!loader) {
          const def = services.catalogs.get(entityType);
          const key = def.naturalKey;
          loader = new DataLoader(async (values) => {
            if (!key) return values.map(() => []);
            const rows = (await em.find(def.entity, { [key]: { $in: [...values] }, deletedAt: null } as never, {
              orderBy: { createdAt: 'asc' } as never,
            })) as Array<CatalogRowBase & Record<string, unknown>>;
            return values.map((v) => rows.filter((r) => r[key] === v));
          });
          sameKey.set(entityType, loader);
        }
        return loader;
      },
    },
  };
}
