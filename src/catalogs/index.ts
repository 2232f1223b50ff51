import type { CatalogDefinition } from '../core/catalog.js';
import { customerCatalog } from './customer/definition.js';
import { CustomerSchema } from './customer/entity.js';
import { CustomerResolver } from './customer/graphql/resolver.js';
import { invoiceCatalog } from './invoice/definition.js';
import { InvoiceSchema } from './invoice/entity.js';
import { CustomerInvoicesResolver, InvoiceResolver } from './invoice/graphql/resolver.js';

/** Every catalog the engine syncs. Adding one: a folder under src/catalogs and a line here (see the README). */
export const catalogDefinitions: readonly CatalogDefinition<never>[] = [
  customerCatalog as CatalogDefinition<never>,
  invoiceCatalog as CatalogDefinition<never>,
];

/** Their tables. */
export const catalogEntities = [CustomerSchema, InvoiceSchema];

/** Their GraphQL resolvers. */
export const catalogResolvers = [CustomerResolver, InvoiceResolver, CustomerInvoicesResolver] as const;
