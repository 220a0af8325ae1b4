// The node's health over time: the monitor's rolling history with alerts, and Prometheus metrics.
import express, { type Router } from 'express';
import type { NodeServices } from '../../../node';
import { mount } from '../../mount';

export function observabilityRouter(s: NodeServices): Router {
  const router = express.Router();
  mount(router, 'monitor', () => s.observability.monitor.snapshot());
  mount(router, 'metrics', async ({ res }) => {
    const { registry } = s.observability.metrics;
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
