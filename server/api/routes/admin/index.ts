// The owner's admin routes: usage (JSON or CSV), the audit log, settings, and LAN exposure of the node.
import { isAbsolute, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import express, { type Router } from 'express';
import { AppError } from '../../../appError';
import { SCOPES, type NodeUpdateResponse } from '../../../contract/security';
import type { NodeServices } from '../../../node';
import { actorOf, audit, readAudit } from '../../../admission/audit';
import { mount } from '../../mount';

export function adminRouter(s: NodeServices): Router {
  const router = express.Router();
  const { settings, store } = s;
  const { keys } = s.admission;
  const { lan } = s;

  mount(router, 'usage', ({ query, res }) => {
    const rows = s.observability.metering.query({ from: query.from, to: query.to, key: query.key });
    if (query.format !== 'csv') return { rows };
    // Key names are the admin's text: no cell may start a spreadsheet formula.
    const csv = stringify(rows, {
      header: true,
      escape_formulas: true,
      columns: ['day', 'keyId', 'keyName', 'requests', 'images', 'engineMs', 'errors'],
    });
    res.type('text/csv').setHeader('content-disposition', 'attachment; filename="hearth-usage.csv"');
    res.send(csv);
  });

  mount(router, 'audit', ({ query }) => ({ entries: readAudit(store, { limit: query.limit, before: query.before }) }));

  mount(router, 'getSettings', () => settings.view());

  mount(router, 'updateSettings', ({ body: update, principal }) => {
    if (update.sharedRoots) {
      const relative = update.sharedRoots.find((r) => !isAbsolute(r));
      if (relative) throw new AppError('invalid_body', 400, `shared roots are absolute folder paths; "${relative}" is not`);
      update.sharedRoots = update.sharedRoots.map((r) => resolve(r));
    }
    const applied = settings.update(update);
    audit(store, actorOf(principal), 'settings.update', update);
    return applied;
  });

  mount(router, 'getNode', () => lan.info());

  mount(router, 'updateNode', async ({ body: change, principal, res }) => {
    const wasLan = settings.current().lan;
    const info = await lan.set(change);
    const body: NodeUpdateResponse = { ...info };
    if (info.lan !== wasLan) audit(store, actorOf(principal), info.lan ? 'lan.on' : 'lan.off', { host: info.host, url: info.url });
    // A keyless owner (the console on loopback) needs a key once keys are required; it is shown this once.
    if (info.lan && !wasLan && principal.keyId === null) {
      const key = keys.create('console (owner)', [...SCOPES]);
      audit(store, actorOf(principal), 'keys.create', { id: key.id, name: key.name, scopes: key.scopes });
      body.ownerKey = key.key;
    }
    res.setHeader('cache-control', 'no-store');
    return body;
  });

  return router;
}
