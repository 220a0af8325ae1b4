// GET /v1/cluster: the nodes of the cluster with their health and load, and the shared queues; a node that
// is not in a cluster lists itself alone. PUT /v1/cluster saves the cluster setting for the next start.
import express, { type Router } from 'express';
import { hostname } from 'node:os';
import type { ClusterSettings } from '../../../contract/cluster';
import type { NodeServices } from '../../../node';
import { VERSION } from '../../../version';
import { mount } from '../../mount';

export function clusterRouter(s: NodeServices): Router {
  const router = express.Router();
  const running = (): ClusterSettings => ({ url: s.config.cluster.url ?? null, name: s.config.cluster.name ?? null });

  mount(router, 'cluster', async ({ req }) => {
    if (s.cluster) return { ...(await s.cluster.view()), settings: running() };
    const stats = s.engine.stats();
    return {
      nodes: [
        {
          id: 'local',
          name: hostname(),
          url: `${req.protocol}://${req.get('host') ?? ''}`,
          status: 'up' as const,
          version: VERSION,
          providers: s.engine.providers,
          workers: stats.workers,
          queueDepth: stats.inFlight + stats.queued,
          self: true,
        },
      ],
      settings: running(),
    };
  });

  mount(router, 'updateCluster', ({ body }) => {
    const next = s.settings.saveCluster(body);
    const now = running();
    return { ...next, restartNeeded: now.url !== next.url || (next.url !== null && now.name !== next.name) };
  });
  return router;
}
