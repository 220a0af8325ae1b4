// GET /v1/cluster: the nodes of the cluster with their health and load, and the shared queues; a node that
// is not in a cluster lists itself alone. PUT /v1/cluster saves the cluster setting for the next start.
import express, { type Router } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../appError';
import { clusterUrlSchema } from '../../../config';
import type { ClusterResponse, ClusterSettings, ClusterSettingsResponse } from '../../../contract/cluster';
import { API } from '../../../contract/paths';
import type { NodeServices } from '../../../node';
import { persistConfig } from '../../../security/settings';
import { VERSION } from '../../../version';
import { requireScope } from '../../scope';

const settingsSchema = z.object({
  url: clusterUrlSchema.nullable(),
  name: z.string().trim().min(1).max(100).nullable().optional(),
});

export function clusterRouter(s: NodeServices): Router {
  const router = express.Router();
  const running = (): ClusterSettings => ({ url: s.config.cluster.url ?? null, name: s.config.cluster.name ?? null });

  router.get(API.cluster, requireScope('metrics'), async (req, res) => {
    if (s.cluster) {
      res.json({ ...(await s.cluster.view()), settings: running() } satisfies ClusterResponse);
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
      settings: running(),
    };
    res.json(body);
  });

  router.put(API.cluster, requireScope('admin'), (req, res) => {
    const parsed = settingsSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError('invalid_body', 400, `expected {"url": "nats://host:4222" or null, "name"?: "..."}: ${issue.path.join('.') || 'body'} ${issue.message}`);
    }
    // Only the cluster's URL and name change; credentials and timings in the file stay as they are.
    const file = join(s.config.dataDir, 'config.json');
    let saved: Record<string, unknown> = {};
    if (existsSync(file)) {
      try {
        saved = ((JSON.parse(readFileSync(file, 'utf8')) as { cluster?: Record<string, unknown> }).cluster ?? {}) as Record<string, unknown>;
      } catch {
        throw new AppError('conflict', 409, `${file} is not valid JSON; fix or remove it, then try again`);
      }
    }
    const next: ClusterSettings = { url: parsed.data.url, name: parsed.data.name === undefined ? ((saved.name as string | undefined) ?? null) : parsed.data.name };
    const cluster: Record<string, unknown> = { ...saved, url: next.url ?? undefined, name: next.name ?? undefined };
    for (const k of Object.keys(cluster)) if (cluster[k] === undefined) delete cluster[k];
    persistConfig(s.config.dataDir, { cluster });
    const now = running();
    const body: ClusterSettingsResponse = { ...next, restartNeeded: now.url !== next.url || (next.url !== null && now.name !== next.name) };
    res.json(body);
  });
  return router;
}
