// Measures every request when its response ends: Prometheus counters/histograms by route key, the
// monitor's rolling window, and per-key metering (requests, images, engine ms, errors).
import type { Request, RequestHandler, Response } from 'express';
import type { Principal } from '../admission/principal';
import { matchRoute, ROUTES, routeTask, type RouteKey } from '../contract/routes';
import type { Metering } from './metering';
import type { NodeMetrics } from './metrics';
import type { Monitor } from './monitor';

/** What routes that run models leave in `res.locals.usage` (model/provider/task are optional extras). */
export interface RequestUsage {
  images?: number;
  engineMs?: number;
  model?: string;
  provider?: string;
  task?: string;
}

/** The route label of a request: its key in the route table; bounded however many ids and paths clients send. */
export function routeLabel(method: string, path: string): string {
  const key = matchRoute(method, path);
  if (key) return key;
  return path.startsWith('/v1/') || path === '/metrics' ? 'unmatched' : 'console';
}

/**
 * Admin actions other areas' routes perform, audited here when they succeed so no route has to remember to.
 * (Keys, settings and LAN switches are audited where they happen.)
 */
const AUDITED: Partial<Record<RouteKey, string>> = {
  importModel: 'models.import',
  activateModel: 'models.activate',
  loadModel: 'models.load',
  unloadModel: 'models.unload',
  deleteModel: 'models.delete',
  deleteModelVersion: 'models.delete',
};

/** Path parameters by name, from a template and a path it matched. */
function paramsOf(template: string, path: string): Record<string, string> {
  const names = template.split('/');
  const parts = path.split('/');
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    if (n.startsWith(':') && parts[i] !== undefined) out[n.slice(1)] = decodeURIComponent(parts[i]);
  });
  return out;
}

/** Model id from the request itself: /v1/models/:id/infer, /v1/classify?model=ID; OCR runs the bundled PP-OCRv4. */
function modelOf(key: RouteKey, req: Request): string {
  if (key === 'inferModel') return decodeURIComponent(req.path.split('/')[3] ?? 'unknown');
  if (key === 'classify') return typeof req.query.model === 'string' ? req.query.model : 'unknown';
  if (routeTask(key) === 'ocr') return 'pp-ocrv4';
  return 'unknown';
}

export function createRequestMeter(opts: {
  metrics: NodeMetrics;
  metering: Metering;
  monitor: Monitor;
  /** Execution providers the engine runs. */
  providers: () => readonly string[];
  /** Records an admin action in the audit log. */
  audit: (principal: Principal | undefined, action: string, detail: Record<string, unknown>) => void;
}): RequestHandler {
  const finish = (req: Request, res: Response, start: bigint): void => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    // An aborted request has no real status; count it as the client going away (499, as nginx does).
    const status = res.writableFinished ? res.statusCode : 499;
    const key = matchRoute(req.method, req.path);
    const route = routeLabel(req.method, req.path);
    opts.metrics.request({ method: req.method, route, status }, seconds);
    if (status === 503 && res.getHeader('retry-after') !== undefined) opts.metrics.shed({ route });
    opts.monitor.observe(status, seconds * 1000);
    const principal = res.locals.principal as Principal | undefined;
    const usage = (res.locals.usage ?? {}) as RequestUsage;
    // Metering is per key (and the owner); anonymous health checks and console files are not billed.
    if (principal && (principal.keyId !== null || principal.local)) {
      opts.metering.record({ keyId: principal.keyId, status, images: usage.images, engineMs: usage.engineMs });
    }
    const action = key && AUDITED[key];
    if (key && action && status < 300) {
      const detail: Record<string, unknown> = { ...paramsOf(ROUTES[key].path, req.path), status };
      if (typeof req.query.version === 'string') detail.version = req.query.version;
      opts.audit(principal, action, detail);
    }
    const task = usage.task ?? (key && routeTask(key));
    if (task && typeof usage.engineMs === 'number' && status < 400) {
      // Routes may name model and provider; else they follow from the route and the one provider running.
      const providers = opts.providers();
      const provider = usage.provider ?? (providers.length === 1 ? providers[0] : 'unknown');
      const model = usage.model ?? (key ? modelOf(key, req) : 'unknown');
      opts.metrics.inference({ task, model, provider }, usage.engineMs / 1000);
      opts.monitor.inference(model, usage.engineMs);
    }
  };

  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('close', () => finish(req, res, start));
    next();
  };
}
