import express, { type Router } from 'express';
import type { Metrics } from '../metrics.js';
import type { ApiAuth } from './auth.js';

/**
 * GET /metrics: Prometheus text format. Behind `auth` (METRICS_TOKEN or an API token as a bearer; open only when
 * neither is configured, as in local development). Cheap: the gauges that query the database or the broker are
 * cached for a few seconds (src/platform/metrics.ts).
 */
export function metricsRoute(metrics: Metrics, auth: ApiAuth): Router {
  const router = express.Router();
  router.get('/metrics', auth.middleware(), async (_req, res, next) => {
    try {
      const body = await metrics.render();
      res.set('Content-Type', metrics.contentType).send(body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
