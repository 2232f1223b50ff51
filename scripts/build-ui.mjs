// Builds the browser apps under ui/ (the admin console, and the offline GraphiQL page) into dist/ui/<app>/ with
// esbuild: one minified bundle (app.js + app.css) and the app's index.html each. The API serves them from there.
// Run by scripts/setup.sh whenever ui/ or the lock file is newer than the last build; `node scripts/build-ui.mjs`
// builds now. esbuild rather than a hand-rolled bundler: it handles TSX, CSS imports and minification in one step.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './lib/services.mjs';

export const APPS = ['console', 'graphiql'];
const outRoot = path.join(projectRoot, 'dist', 'ui');

for (const app of APPS) {
  const src = path.join(projectRoot, 'ui', app);
  const out = path.join(outRoot, app);
  fs.rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: { app: path.join(src, 'main.tsx') },
    outdir: out,
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari17'],
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
    logLevel: 'warning',
    jsx: 'automatic',
    tsconfig: path.join(projectRoot, 'ui', 'tsconfig.json'),
  });
  fs.copyFileSync(path.join(src, 'index.html'), path.join(out, 'index.html'));
}
fs.writeFileSync(path.join(outRoot, '.built'), new Date().toISOString() + '\n');
console.log(`[build-ui] built ${APPS.join(', ')} into ${path.relative(process.cwd(), outRoot) || outRoot}/`);
