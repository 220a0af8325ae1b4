// Builds the Express app without listening, so tests drive it directly; serve.ts owns the socket.
import express, { type Application } from 'express';
import type { NodeServices } from '../node';
import { consoleRouter } from './console';
import { errorMiddleware, notFound } from './errorMiddleware';
import { requestId } from './requestId';
import { clusterRouter } from './routes/cluster';
import { healthRouter } from './routes/health';
import { jobsRouter } from './routes/jobs';
import { modelsRouter } from './routes/models';
import { ocrRouter } from './routes/ocr';
import { resultsRouter } from './routes/results';

export function createApp(services: NodeServices): Application {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestId);
  // Host/Origin guard, authentication (sets res.locals.principal), rate limits, metering, request metrics.
  app.use(services.security.before);
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRouter(services));
  app.use(ocrRouter(services));
  app.use(modelsRouter(services));
  app.use(jobsRouter(services));
  app.use(resultsRouter(services));
  app.use(clusterRouter(services));
  // Keys, usage, audit, settings, node (LAN), monitoring history, /metrics, OpenAPI.
  app.use(services.security.router);
  app.use(consoleRouter());
  app.use(notFound);
  app.use(errorMiddleware);
  return app;
}
