import type { ProviderPlugin } from './core/provider.js';
import { loadConfig as load, type Config } from './platform/config.js';
import { providerPlugins } from './providers/index.js';

export { ConfigError, type Config } from './platform/config.js';

/** The app's configuration: its own variables plus every provider plug-in's, read from the environment once. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  plugins: readonly ProviderPlugin[] = providerPlugins,
): Config {
  return load(env, plugins);
}
