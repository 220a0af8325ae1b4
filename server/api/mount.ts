// Mounts one route of the contract table on a router: the access check, input parsing with one error format
// (400 invalid_params / invalid_query / invalid_body naming the field) and a typed handler whose returned value
// is the JSON answer.
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { AppError } from '../appError';
import {
  ROUTES,
  type Access,
  type BodyOut,
  type ParamsOut,
  type QueryOut,
  type ResponseOf,
  type RouteKey,
  type RouteSpec,
} from '../contract/routes';
import { principalOf, type Principal } from '../admission/principal';

export interface RouteInput<K extends RouteKey> {
  params: ParamsOut<K>;
  query: QueryOut<K>;
  body: BodyOut<K>;
  principal: Principal;
  req: Request;
  res: Response;
}

/**
 * Returns the JSON answer (sent with the route's status), or nothing when it answered itself (bytes, text, a
 * stream) or the route answers 204.
 */
export type RouteHandler<K extends RouteKey> = (input: RouteInput<K>) => ResponseOf<K> | void | Promise<ResponseOf<K> | void>;

function accessCheck(access: Access): RequestHandler {
  return (_req, res, next) => {
    if (access === 'public') return next();
    const p = principalOf(res);
    if (access === 'any' || access.some((s) => p.scopes.includes(s))) return next();
    const message =
      access.length === 1
        ? `this key lacks the "${access[0]}" scope needed here`
        : `this key needs one of the scopes ${access.map((s) => `"${s}"`).join(', ')} here`;
    throw new AppError('forbidden', 403, message);
  };
}

function parse(schema: z.ZodType | undefined, value: unknown, part: 'params' | 'query' | 'body'): unknown {
  if (!schema) return part === 'body' ? undefined : {};
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  const what = { params: 'path', query: 'query', body: 'body' }[part];
  throw new AppError(`invalid_${part}`, 400, `${what} ${where}${issue.message}`);
}

/** Mounts route `key` with `handler`; `before` runs after the access check (body parsers for uploads). */
export function mount<K extends RouteKey>(router: Router, key: K, handler: RouteHandler<K>, before: RequestHandler[] = []): void {
  const spec: RouteSpec = ROUTES[key];
  const run: RequestHandler = async (req, res) => {
    const input = {
      params: parse(spec.params, req.params, 'params'),
      query: parse(spec.query, req.query, 'query'),
      body: typeof spec.body === 'object' ? parse(spec.body, req.body, 'body') : undefined,
      principal: principalOf(res),
      req,
      res,
    } as RouteInput<K>;
    const answer = await handler(input);
    if (res.headersSent) return;
    if (answer !== undefined) {
      res.status(spec.status ?? 200).json(answer);
    } else if (spec.status === 204) {
      res.status(204).end();
    } else {
      throw new AppError('internal_error', 500, `route ${key} gave no answer`, { operational: false });
    }
  };
  router[spec.method](spec.path, accessCheck(spec.access), ...before, run);
}
