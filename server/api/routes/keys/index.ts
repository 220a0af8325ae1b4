// API keys over HTTP (admin scope): list, create (the key is shown once), rename or rescope, revoke; all audited.
import express, { type Router } from 'express';
import { AppError } from '../../../appError';
import type { NodeServices } from '../../../node';
import { actorOf, audit } from '../../../admission/audit';
import { mount } from '../../mount';

export function keysRouter(s: NodeServices): Router {
  const router = express.Router();
  const { keys } = s.admission;

  mount(router, 'listKeys', () => ({ keys: keys.list() }));

  mount(router, 'createKey', ({ body, principal, res }) => {
    const created = keys.create(body.name, body.scopes);
    audit(s.store, actorOf(principal), 'keys.create', { id: created.id, name: created.name, scopes: created.scopes });
    res.setHeader('cache-control', 'no-store');
    return created;
  });

  mount(router, 'updateKey', ({ params, body, principal }) => {
    const updated = keys.update(params.id, body);
    audit(s.store, actorOf(principal), 'keys.update', { id: params.id, ...body });
    return updated;
  });

  mount(router, 'revokeKey', ({ params, principal }) => {
    const { id } = params;
    if (!keys.get(id)) throw new AppError('not_found', 404, `no key with id ${id}`);
    if (!keys.revoke(id)) throw new AppError('conflict', 409, `key ${id} is already revoked`);
    audit(s.store, actorOf(principal), 'keys.revoke', { id });
    const revoked = keys.get(id);
    if (!revoked) throw new AppError('not_found', 404, `no key with id ${id}`);
    return revoked;
  });

  return router;
}
