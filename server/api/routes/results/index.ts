// Stored results: search (any language) with paging and filters, one result, and its kept image.
import express, { type Request, type Response, type Router } from 'express';
import { AppError } from '../../../appError';
import { API } from '../../../contract/paths';
import type { ResultDetail, ResultsQuery } from '../../../contract/results';
import type { NodeServices } from '../../../node';
import { principalOf } from '../../scope';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function int(v: unknown, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new AppError('bad_request', 400, `"${name}" must be a whole number ≥ 0`);
  return n;
}

/** The owner and admin keys see every result; keys that may recognise or run jobs see their own. */
function keyFilter(res: Response): { all: true } | { all: false; keyId: string } {
  const p = principalOf(res);
  if (p.local || p.scopes.includes('admin')) return { all: true };
  if (p.keyId && (p.scopes.includes('infer') || p.scopes.includes('jobs'))) return { all: false, keyId: p.keyId };
  throw new AppError('forbidden', 403, 'this key lacks a scope that can read results (infer, jobs or admin)');
}

export function resultsRouter(s: NodeServices): Router {
  const router = express.Router();

  const visible = (req: Request, res: Response): ResultDetail => {
    const id = String(req.params.id);
    const filter = keyFilter(res);
    const r = s.store.results.get(id);
    if (!r || (!filter.all && r.keyId !== filter.keyId)) throw new AppError('not_found', 404, `no result ${id}`);
    return r;
  };

  router.get(API.results, (req, res) => {
    const filter = keyFilter(res);
    const query: ResultsQuery = {
      q: str(req.query.q),
      limit: int(req.query.limit, 'limit'),
      offset: int(req.query.offset, 'offset'),
      from: str(req.query.from),
      to: str(req.query.to),
      source: str(req.query.source),
      keyId: filter.all ? str(req.query.keyId) : filter.keyId,
    };
    res.json(s.store.results.search(query));
  });

  router.get(API.result, (req, res) => {
    res.json(visible(req, res));
  });

  router.get(API.resultImage, (req, res) => {
    const r = visible(req, res);
    const image = s.store.results.image(r.id);
    if (!image) throw new AppError('not_found', 404, 'the image of this result is not kept (retention setting)');
    res.setHeader('content-type', image.mime);
    res.setHeader('cache-control', 'private, max-age=3600');
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(image.bytes);
  });

  return router;
}
