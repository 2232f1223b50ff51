import type { Router } from 'express';
import express from 'express';
import type { Orm } from '../db/orm.js';
import type { KafkaTransport } from '../kafka.js';

/**
 * /healthz: the process is up (answers from the moment HTTP listens, also while consumers are still joining their
 * groups). /readyz: it can do its work (database and Kafka answer, every consumer has joined), else 503 with
 * reasons. `starting`: the parts still starting (e.g. consumer groups waiting for a dead member's session to end).
 */
export function healthRoutes(orm: Orm, kafka: KafkaTransport, starting: () => readonly string[] = () => []): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [db, broker] = await Promise.all([
      orm.em
        .fork()
        .getConnection()
        .execute('select 1')
        .then(
          () => true,
          () => false,
        ),
      kafka.ping(),
    ]);
    const joining = starting();
    const checks = {
      database: db ? 'ok' : 'unavailable',
      kafka: broker ? 'ok' : 'unavailable',
      consumers: joining.length === 0 ? 'ok' : `joining: ${joining.join(', ')}`,
    };
    const ready = db && broker && joining.length === 0;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}
