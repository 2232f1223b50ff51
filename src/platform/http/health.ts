import type { Router } from 'express';
import express from 'express';
import type { Orm } from '../db/orm.js';
import type { KafkaTransport } from '../kafka.js';

/** /healthz: the process is up. /readyz: it can do its work (database and Kafka answer), else 503 with reasons. */
export function healthRoutes(orm: Orm, kafka: KafkaTransport): Router {
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
    const checks = { database: db ? 'ok' : 'unavailable', kafka: broker ? 'ok' : 'unavailable' };
    res.status(db && broker ? 200 : 503).json({ status: db && broker ? 'ready' : 'not ready', checks });
  });
  return router;
}
