// Builds the Express app without listening, so tests drive it directly; serve.ts owns the socket. Every API
// route is declared in contract/routes.ts and mounted by its area's router under routes/.
import express, { type Application } from 'express';
import type { NodeServices } from '../node';
import { consoleRouter } from './console';
import { errorMiddleware, notFound } from './errorMiddleware';
import { requestId } from './requestId';
import { securityHeaders } from './securityHeaders';
import { clusterRouter } from './routes/cluster';
import { healthRouter } from './routes/health';
import { adminRouter } from './routes/admin';
import { compatRouter } from './routes/compat';
import { billingRouter } from './routes/billing';
import { jobsRouter } from './routes/jobs';
import { keysRouter } from './routes/keys';
import { modelsRouter } from './routes/models';
import { observabilityRouter } from './routes/observability';
import { ocrRouter } from './routes/ocr';
import { openapiRouter } from './routes/openapi';
import { resultsRouter } from './routes/results';
import { trainingRouter } from './routes/training';

export function createApp(services: NodeServices): Application {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestId);
  // Before the guard and the meter, so refusals and errors carry them too.
  app.use(securityHeaders());
  // Request metrics, monitor and metering first, so refused requests are counted too.
  app.use(services.observability.meter);
  // Host/Origin guard, authentication (sets res.locals.principal), rate and body limits.
  app.use(services.admission.before);
  // Quotas refuse work before it runs; the request's charge is taken when it ends.
  app.use(services.billing.admit);
  // Base64 images in JSON are larger than the 1 MB other JSON bodies may be: these routes parse their own.
  app.use(compatRouter(services));
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRouter(services));
  app.use(ocrRouter(services));
  app.use(modelsRouter(services));
  app.use(jobsRouter(services));
  app.use(resultsRouter(services));
  app.use(trainingRouter(services));
  app.use(clusterRouter(services));
  app.use(keysRouter(services));
  app.use(billingRouter(services));
  app.use(adminRouter(services));
  app.use(observabilityRouter(services));
  app.use(openapiRouter());
  app.use(consoleRouter());
  app.use(notFound);
  app.use(errorMiddleware);
  return app;
}
