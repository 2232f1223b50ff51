import { registerEnumType } from 'type-graphql';
import { EntityType, Provider, SyncStateValue } from '../../domain/enums.js';

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

export { EntityType, Provider, SyncStateValue };
