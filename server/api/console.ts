// Serves the React console (the same bundle the Electron window loads) at `/` for browsers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';
import { APP_ROOT } from '../paths';

const RENDERER_DIR = join(APP_ROOT, 'out', 'renderer');

export function consoleRouter(): Router {
  const router = express.Router();
  const index = `${RENDERER_DIR}/index.html`;
  router.use(express.static(RENDERER_DIR, { index: false, maxAge: '1h' }));
  router.get(/^\/(?!v1\/|metrics).*/, (req, res, next) => {
    if (req.method !== 'GET' || !req.accepts('html')) return next();
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The web console is not built yet: run `npm run build`, then reload.\n');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
