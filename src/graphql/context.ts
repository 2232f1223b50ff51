import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { CustomerService } from '../domain/customer-service.js';
import { ExternalMapping } from '../domain/entities/index.js';
import { EntityType, type Provider } from '../domain/enums.js';
import { listStatuses, type SyncStatusView } from '../domain/sync-status.js';
import type { ImportRunner } from '../sync/import-runner.js';

export interface ProviderStatusView {
  provider: Provider;
  enabled: boolean;
  configured: boolean;
  webhook: boolean;
  apiUsage: { used: number; limit: number } | null;
}

export interface Services {
  customers: CustomerService;
  /** Per provider: enabled, configured, webhook on, API usage. */
  providers: () => ProviderStatusView[];
  /** Backfills from providers; undefined when no provider is configured. */
  imports?: ImportRunner | undefined;
  /** Called after a mutation commits, so the outbox relay in this process publishes without waiting a poll. */
  afterCommit(): void;
}

/** Per request (and per subscription operation): its own EntityManager fork and its own batch loaders. */
export interface GraphQLContext {
  em: EntityManager;
  services: Services;
  loaders: {
    customerStatuses: DataLoader<string, SyncStatusView[]>;
    customerMappings: DataLoader<string, ExternalMapping[]>;
  };
}

export function createContext(em: EntityManager, services: Services): GraphQLContext {
  return {
    em,
    services,
    loaders: {
      customerStatuses: new DataLoader(async (ids) => {
        const map = await listStatuses(em, EntityType.CUSTOMER, ids);
        return ids.map((id) => map.get(id) ?? []);
      }),
      customerMappings: new DataLoader(async (ids) => {
        const rows = await em.find(ExternalMapping, { entityType: EntityType.CUSTOMER, entityId: { $in: [...ids] } });
        return ids.map((id) => rows.filter((r) => r.entityId === id));
      }),
    },
  };
}
