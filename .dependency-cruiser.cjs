// Architecture rules for src/ (run by `npm run lint`). The layers, lowest first: core (contracts, pure rules),
// platform (config, logging, Kafka, db, http), engine (generic sync machinery), catalogs, providers; the files
// directly in src/ compose them. A layer imports only layers below it, and no two folders import each other.
const layers = ['core', 'platform', 'engine', 'catalogs', 'providers'];

const layerRules = layers.slice(0, -1).map((layer, i) => ({
  name: `${layer}-stays-below-${layers.slice(i + 1).join('-')}`,
  comment: `src/${layer} must not import from ${layers.slice(i + 1).join(', ')} (see README: Architecture)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${layers.slice(i + 1).join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Two folders import each other (directly or through others): move the shared piece down a layer',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-composition-root-from-layers',
      comment: 'Only the files directly in src/ (app, config, registry, schema, main) see the whole app',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
