// Builds the Express app without listening, so tests drive it directly; serve.ts owns the socket. Every API
// route is declared in contract/routes.ts and mounted by its area's router under routes/.
import express, { type Application } from 'express';
import type { NodeServices } from '../node';
import { consoleRouter } from './console';
import { errorMiddleware, notFound } from './errorMiddleware';
import { requestId } from './requestId';
import { healthRouter } from './routes/health';
import { adminRouter } from './routes/admin';
import { jobsRouter } from './routes/jobs';
import { keysRouter } from './routes/keys';
import { modelsRouter } from './routes/models';
import { observabilityRouter } from './routes/observability';
import { ocrRouter } from './routes/ocr';
import { openapiRouter } from './routes/openapi';
import { resultsRouter } from './routes/results';

export function createApp(services: NodeServices): Application {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestId);
  // Request metrics, monitor and metering first, so refused requests are counted too.
  app.use(services.observability.meter);
  // Host/Origin guard, authentication (sets res.locals.principal), rate and body limits.
  app.use(services.admission.before);
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRouter(services));
  app.use(ocrRouter(services));
  app.use(modelsRouter(services));
  app.use(jobsRouter(services));
  app.use(resultsRouter(services));
  app.use(keysRouter(services));
  app.use(adminRouter(services));
  app.use(observabilityRouter(services));
  app.use(openapiRouter());
  app.use(consoleRouter());
  app.use(notFound);
  app.use(errorMiddleware);
  return app;
}
