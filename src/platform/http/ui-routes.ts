import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/logger.js';

/** Where the browser apps built by scripts/build-ui.mjs are, and which of them this server offers. */
export interface UiOptions {
  /** dist/ui by default (UI_DIR): one folder per app, each with index.html, app.js and app.css. */
  dir: string;
  /** The admin console at `/`. */
  console: boolean;
}

/**
 * The admin console: `/` is its page, `/ui/console/*` its bundle. The page and bundle hold no data, so they need
 * no token; the console asks for one and sends it with every GraphQL operation, as any client does.
 * A missing build (ui/ not built yet) answers 503 with how to build it rather than a bare 404.
 */
export function uiRoutes(opts: UiOptions, logger: Logger): express.Router {
  const router = express.Router();
  if (!opts.console) return router;
  const dir = path.join(opts.dir, 'console');
  const page = path.join(dir, 'index.html');
  if (!fs.existsSync(page)) {
    logger.warn('admin console not built: run `node scripts/build-ui.mjs` (npm start and npm test do)', { dir });
  }
  router.use('/ui/console', express.static(dir, { index: false, fallthrough: false, maxAge: '1h' }));
  router.get('/', (_req, res) => {
    if (!fs.existsSync(page)) {
      res.status(503).type('text/plain').send('The admin console is not built: run `node scripts/build-ui.mjs`.\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(page);
  });
  return router;
}
