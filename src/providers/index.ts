import type { ProviderPlugin } from '../core/provider.js';
import { salesforcePlugin } from './salesforce/plugin.js';
import { stripePlugin } from './stripe/plugin.js';

/**
 * Every provider catalog-sync can sync with. Adding one: a folder under src/providers and a line here (see the
 * README); its topics, config variables, GraphQL enum value and workers follow from this list.
 */
export const providerPlugins: readonly ProviderPlugin[] = [
  stripePlugin as unknown as ProviderPlugin,
  salesforcePlugin as unknown as ProviderPlugin,
];
