// Routes of the security area: keys, usage (JSON/CSV), audit, settings, node (LAN on/off), monitor, /metrics, OpenAPI.
import { isAbsolute, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import express, { type RequestHandler, type Router } from 'express';
import type { ZodType } from 'zod';
import { AppError } from '../appError';
import { requireJson } from '../api/jsonBody';
import { principalOf, requireScope, type Scope } from '../api/scope';
import type { Config } from '../config';
import { API } from '../contract/paths';
import {
  auditQuerySchema,
  createKeyRequestSchema,
  nodeUpdateSchema,
  settingsUpdateSchema,
  updateKeyRequestSchema,
  usageQuerySchema,
  type AuditResponse,
  type CreatedKeyResponse,
  type KeyListResponse,
  type NodeInfo,
  type NodeUpdateResponse,
  type UsageResponse,
} from '../contract/security';
import type { Store } from '../store';
import { actorOf, audit, readAudit } from './audit';
import type { KeyRepository } from './keys';
import type { Metering } from './metering';
import type { NodeMetrics } from './metrics';
import type { Monitor } from './monitor';
import { applySettings, settingsOf } from './settings';

export interface LanControl {
  info(): NodeInfo;
  /** Switches LAN on/off (re-listening); returns the new state. */
  set(change: { lan: boolean; host?: string }): Promise<NodeInfo>;
}

export function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new AppError('invalid_body', 400, `${where}${issue.message}`);
  }
  return r.data;
}

function requireAnyScope(scopes: readonly Scope[]): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    if (!scopes.some((s) => p.scopes.includes(s))) {
      throw new AppError('forbidden', 403, `this key needs one of the scopes ${scopes.map((s) => `"${s}"`).join(', ')} here`);
    }
    next();
  };
}

export function createSecurityRouter(deps: {
  config: Config;
  store: Store;
  keys: KeyRepository;
  metering: Metering;
  metrics: NodeMetrics;
  monitor: Monitor;
  lan: LanControl;
  openapi: () => unknown;
  /** Pushes changed timeouts to the listening server (new connections pick them up). */
  onLimitsChanged: () => void;
}): Router {
  const { config, store, keys } = deps;
  const router = express.Router();
  const admin = requireScope('admin');

  router.get(API.keys, admin, (_req, res) => {
    const body: KeyListResponse = { keys: keys.list() };
    res.json(body);
  });

  router.post(API.keys, admin, requireJson, (req, res) => {
    const input = parseBody(createKeyRequestSchema, req.body);
    const created: CreatedKeyResponse = keys.create(input.name, input.scopes);
    audit(store, actorOf(principalOf(res)), 'keys.create', { id: created.id, name: created.name, scopes: created.scopes });
    res.status(201).setHeader('cache-control', 'no-store').json(created);
  });

  router.patch(API.key, admin, requireJson, (req, res) => {
    const id = String(req.params.id);
    const change = parseBody(updateKeyRequestSchema, req.body);
    const updated = keys.update(id, change);
    audit(store, actorOf(principalOf(res)), 'keys.update', { id, ...change });
    res.json(updated);
  });

  router.delete(API.key, admin, (req, res) => {
    const id = String(req.params.id);
    if (!keys.get(id)) throw new AppError('not_found', 404, `no key with id ${id}`);
    if (!keys.revoke(id)) throw new AppError('conflict', 409, `key ${id} is already revoked`);
    audit(store, actorOf(principalOf(res)), 'keys.revoke', { id });
    res.json(keys.get(id));
  });

  router.get(API.usage, admin, (req, res) => {
    const q = parseBody(usageQuerySchema, req.query);
    const rows = deps.metering.query({ from: q.from, to: q.to, key: q.key });
    if (q.format === 'csv') {
      const csv = stringify(rows, {
        header: true,
        // Key names are the admin's text: no cell may start a spreadsheet formula.
        escape_formulas: true,
        columns: ['day', 'keyId', 'keyName', 'requests', 'images', 'engineMs', 'errors'],
      });
      res.type('text/csv').setHeader('content-disposition', 'attachment; filename="hearth-usage.csv"');
      res.send(csv);
      return;
    }
    const body: UsageResponse = { rows };
    res.json(body);
  });

  router.get(API.audit, admin, (req, res) => {
    const query = parseBody(auditQuerySchema, req.query);
    const body: AuditResponse = { entries: readAudit(store, query) };
    res.json(body);
  });

  router.get(API.settings, admin, (_req, res) => {
    res.json(settingsOf(config));
  });

  router.put(API.settings, admin, requireJson, (req, res) => {
    const update = parseBody(settingsUpdateSchema, req.body);
    if (update.sharedRoots) {
      const relative = update.sharedRoots.find((r) => !isAbsolute(r));
      if (relative) throw new AppError('invalid_body', 400, `shared roots are absolute folder paths; "${relative}" is not`);
      update.sharedRoots = update.sharedRoots.map((r) => resolve(r));
    }
    const settings = applySettings(config, update);
    if (update.limits) deps.onLimitsChanged();
    audit(store, actorOf(principalOf(res)), 'settings.update', update);
    res.json(settings);
  });

  router.get(API.node, admin, (_req, res) => {
    res.json(deps.lan.info());
  });

  router.put(API.node, admin, requireJson, async (req, res) => {
    const change = parseBody(nodeUpdateSchema, req.body);
    const principal = principalOf(res);
    const wasLan = config.lan;
    const info = await deps.lan.set(change);
    const body: NodeUpdateResponse = { ...info };
    if (info.lan !== wasLan) audit(store, actorOf(principal), info.lan ? 'lan.on' : 'lan.off', { host: info.host, url: info.url });
    // A keyless owner (the console on loopback) needs a key once keys are required; it is shown this once.
    if (info.lan && !wasLan && principal.keyId === null) {
      const key = keys.create('console (owner)', ['infer', 'jobs', 'admin', 'metrics']);
      audit(store, actorOf(principal), 'keys.create', { id: key.id, name: key.name, scopes: key.scopes });
      body.ownerKey = key.key;
    }
    res.setHeader('cache-control', 'no-store').json(body);
  });

  router.get(API.monitor, requireAnyScope(['metrics', 'admin']), (_req, res) => {
    res.json(deps.monitor.snapshot());
  });

  router.get(API.metrics, requireScope('metrics'), async (_req, res) => {
    const text = await deps.metrics.registry.metrics();
    res.type(deps.metrics.registry.contentType).send(text);
  });

  router.get(API.openapi, (_req, res) => {
    res.json(deps.openapi());
  });

  return router;
}
