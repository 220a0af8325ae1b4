// Stored results: search (any language) with paging and filters, one result, and its kept image.
import express, { type Router } from 'express';
import { AppError } from '../../../appError';
import type { ResultDetail } from '../../../contract/results';
import type { NodeServices } from '../../../node';
import { mount } from '../../mount';
import type { Principal } from '../../../admission/principal';

/** The owner and admin keys see every result; keys that may recognise or run jobs see their own. */
function keyFilter(p: Principal): { all: true } | { all: false; keyId: string } {
  if (p.local || p.scopes.includes('admin')) return { all: true };
  if (p.keyId) return { all: false, keyId: p.keyId };
  throw new AppError('forbidden', 403, 'results are read with a key');
}

export function resultsRouter(s: NodeServices): Router {
  const router = express.Router();

  const visible = (id: string, p: Principal): ResultDetail => {
    const filter = keyFilter(p);
    const r = s.store.results.get(id);
    if (!r || (!filter.all && r.keyId !== filter.keyId)) throw new AppError('not_found', 404, `no result ${id}`);
    return r;
  };

  mount(router, 'searchResults', ({ query, principal }) => {
    const filter = keyFilter(principal);
    return s.store.results.search({ ...query, keyId: filter.all ? query.keyId : filter.keyId });
  });

  mount(router, 'getResult', ({ params, principal }) => visible(params.id, principal));

  mount(router, 'resultImage', ({ params, principal, res }) => {
    const r = visible(params.id, principal);
    const image = s.store.results.image(r.id);
    if (!image) throw new AppError('not_found', 404, 'the image of this result is not kept (retention setting)');
    res.setHeader('content-type', image.mime);
    res.setHeader('cache-control', 'private, max-age=3600');
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(image.bytes);
  });

  return router;
}
