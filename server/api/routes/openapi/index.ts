// GET /v1/openapi.json: the OpenAPI document generated from the route table, built on first request.
import express, { type Router } from 'express';
import { buildOpenApi } from '../../openapi';
import { mount } from '../../mount';

export function openapiRouter(): Router {
  const router = express.Router();
  let doc: Record<string, unknown> | undefined;
  mount(router, 'openapi', ({ res }) => {
    res.json((doc ??= buildOpenApi()));
  });
  return router;
}
