// GET /v1/health: status, version, the providers actually running and the models known — no auth.
import express, { type Router } from 'express';
import type { HealthResponse } from '../../../contract/health';
import { API } from '../../../contract/paths';
import type { NodeServices } from '../../../node';
import { VERSION } from '../../../version';

export function healthRouter(s: NodeServices): Router {
  const router = express.Router();
  router.get(API.health, (_req, res) => {
    const stats = s.engine.stats();
    const body: HealthResponse = {
      status: 'ok',
      version: VERSION,
      providers: s.engine.providers,
      candidates: s.providerChoice.providers,
      models: s.models.summaries(),
      engine: { workers: stats.workers, queueDepth: stats.queued, inFlight: stats.inFlight },
      lan: s.config.lan,
    };
    res.json(body);
  });
  return router;
}
