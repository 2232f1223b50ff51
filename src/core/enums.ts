/**
 * Names the engine shares with every catalog and provider. Catalogs and providers are plug-ins, so their names
 * are plain strings here (`'CUSTOMER'`, `'STRIPE'`): the lists live in `src/catalogs` and `src/providers`.
 */

/** A catalog's entity type, e.g. the GraphQL enum value and the database value (upper case). */
export type EntityType = string;

/** A provider's id, e.g. the GraphQL enum value and the database value (upper case). */
export type ProviderId = string;

/** Where a change came from: a local mutation or one of the providers (webhook, poll, import). */
export type Origin = 'LOCAL' | ProviderId;

export enum SyncStateValue {
  PENDING = 'PENDING',
  SYNCING = 'SYNCING',
  SYNCED = 'SYNCED',
  FAILED = 'FAILED',
}
