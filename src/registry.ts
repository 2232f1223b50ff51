import 'reflect-metadata';
import { allTopics } from './core/topics.js';
import { catalogDefinitions, catalogEntities } from './catalogs/index.js';
import { engineEntities } from './engine/entities/index.js';
import { providerPlugins } from './providers/index.js';

/** Everything this app is made of, in one place: catalogs, providers and the tables they need. */
export { catalogDefinitions, providerPlugins };

export const entities = [...engineEntities, ...catalogEntities];

export const entityTypes = catalogDefinitions.map((c) => c.entityType);
export const providerIds = providerPlugins.map((p) => p.id);

export const topics = allTopics(entityTypes, providerIds);
