// GET /v1/cluster: the nodes of the cluster with their health and load, and the shared queues; a node that
// is not in a cluster lists itself alone.
import express, { type Router } from 'express';
import { hostname } from 'node:os';
import type { ClusterResponse } from '../../../contract/cluster';
import { API } from '../../../contract/paths';
import type { NodeServices } from '../../../node';
import { VERSION } from '../../../version';
import { requireScope } from '../../scope';

export function clusterRouter(s: NodeServices): Router {
  const router = express.Router();
  router.get(API.cluster, requireScope('metrics'), async (req, res) => {
    if (s.cluster) {
      res.json(await s.cluster.view());
      return;
    }
    const stats = s.engine.stats();
    const body: ClusterResponse = {
      nodes: [
        {
          id: 'local',
          name: hostname(),
          url: `${req.protocol}://${req.get('host') ?? ''}`,
          status: 'up',
          version: VERSION,
          providers: s.engine.providers,
          workers: stats.workers,
          queueDepth: stats.inFlight + stats.queued,
          self: true,
        },
      ],
    };
    res.json(body);
  });
  return router;
}
