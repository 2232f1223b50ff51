import { registerEnumType } from 'type-graphql';
import { SyncStateValue } from '../../core/enums.js';

/**
 * The GraphQL enums `Provider` and `EntityType` list the provider plug-ins and catalogs this app is built with.
 * The engine does not know them, so their values are filled in by `defineSyncEnums` (called with the registry's
 * lists before the schema is built); type-graphql reads enum values only when it builds the schema.
 */
export const Provider: Record<string, string> = {};
export const EntityType: Record<string, string> = {};

registerEnumType(Provider, { name: 'Provider', description: 'An external system the catalog syncs with.' });
registerEnumType(EntityType, { name: 'EntityType', description: 'A kind of catalog record.' });
registerEnumType(SyncStateValue, {
  name: 'SyncState',
  description: 'Where the latest change of a record stands on its way to one provider.',
  valuesConfig: {
    PENDING: { description: 'Changed locally (or elsewhere); not yet picked up for this provider.' },
    SYNCING: { description: 'A worker is writing it to the provider.' },
    SYNCED: { description: 'The provider has the latest version.' },
    FAILED: { description: 'Writing failed; see lastError. Retried automatically or with retrySync.' },
  },
});

export function defineSyncEnums(providers: readonly string[], entityTypes: readonly string[]): void {
  for (const p of providers) Provider[p] = p;
  for (const t of entityTypes) EntityType[t] = t;
}

export { SyncStateValue };
