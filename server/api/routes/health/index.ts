// GET /v1/health: status, version, the providers actually running and the models known — no auth.
import express, { type Router } from 'express';
import type { NodeServices } from '../../../node';
import { VERSION } from '../../../version';
import { mount } from '../../mount';

export function healthRouter(s: NodeServices): Router {
  const router = express.Router();
  mount(router, 'health', () => {
    const stats = s.engine.stats();
    return {
      status: 'ok' as const,
      version: VERSION,
      providers: s.engine.providers,
      candidates: s.providerChoice.providers,
      models: s.models.summaries(),
      engine: { workers: stats.workers, queueDepth: stats.queued, inFlight: stats.inFlight },
      lan: s.settings.current().lan,
    };
  });
  return router;
}
