import type { AnyCatalog, CatalogDefinition } from '../core/catalog.js';
import type { EntityType } from '../core/enums.js';
import { AppError } from '../core/errors.js';
import { childCatalogs } from './parents.js';

/** The catalogs this app runs, by entity type (the list itself is in src/catalogs/index.ts). */
export class Catalogs {
  private readonly byType: Map<EntityType, AnyCatalog>;

  constructor(definitions: readonly CatalogDefinition<never>[]) {
    this.byType = new Map(definitions.map((d) => [d.entityType, d as unknown as AnyCatalog]));
  }

  has(entityType: EntityType): boolean {
    return this.byType.has(entityType);
  }

  /** The definition; BAD_USER_INPUT for an entity type no catalog defines. */
  get(entityType: EntityType): AnyCatalog {
    const def = this.byType.get(entityType);
    if (!def) throw new AppError('BAD_USER_INPUT', `No catalog for ${entityType}`, { details: { entityType } });
    return def;
  }

  /** The catalogs whose records name records of this one (an invoice names its customer). */
  childrenOf(parent: AnyCatalog): AnyCatalog[] {
    return childCatalogs([...this.byType.values()], parent);
  }

  get entityTypes(): EntityType[] {
    return [...this.byType.keys()];
  }
}
