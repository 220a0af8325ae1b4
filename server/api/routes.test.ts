// The route table is the whole API: every mounted route is declared in it, every declared route is mounted,
// and the OpenAPI document lists each one with the scopes it needs.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Application } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { ROUTE_KEYS, ROUTES, type RouteSpec } from '../contract/routes';
import { createNode, type HearthNode } from '../node';
import { buildOpenApi } from './openapi';

interface Layer {
  route?: { path: string | RegExp; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `METHOD path` of every route the Express app would dispatch to, sub-routers included. */
function mountedRoutes(app: Application): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[]): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on) out.push(`${method} ${String(layer.route.path)}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

describe('route table', () => {
  let dataDir: string;
  let node: HearthNode;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hearth-routes-'));
    node = await createNode(loadConfig({ dataDir, port: 0, engine: { workers: 1 } }, { HEARTH_STORE_KEY: 'routes-test-key' }));
  });
  afterAll(async () => {
    await node?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('mounts every declared route once and nothing outside the table (the console aside)', () => {
    const declared = ROUTE_KEYS.map((k) => `${ROUTES[k].method} ${ROUTES[k].path}`).sort();
    const mounted = mountedRoutes(node.app).filter((r) => r !== 'get /^\\/(?!v1\\/|metrics).*/');
    expect(mounted.sort()).toEqual(declared);
  });

  it('declares a params schema for every path parameter', () => {
    for (const key of ROUTE_KEYS) {
      const spec: RouteSpec = ROUTES[key];
      const names = [...spec.path.matchAll(/:([a-zA-Z]+)/g)].map((m) => m[1]);
      if (names.length === 0) continue;
      expect(spec.params, key).toBeDefined();
      const shape = (spec.params as unknown as { shape: Record<string, unknown> }).shape;
      expect(Object.keys(shape).sort(), key).toEqual(names.sort());
    }
  });

  it('answers bad input with one error format naming the field', async () => {
    const server = node.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const call = async (method: string, path: string, body?: unknown): Promise<[number, { error: { code: string; message: string } }]> => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return [res.status, (await res.json()) as { error: { code: string; message: string } }];
    };
    try {
      const [qs, q] = await call('GET', '/v1/jobs?limit=lots');
      expect([qs, q.error.code]).toEqual([400, 'invalid_query']);
      expect(q.error.message).toContain('limit');
      const [bs, b] = await call('POST', '/v1/keys', { scopes: ['infer'] });
      expect([bs, b.error.code]).toEqual([400, 'invalid_body']);
      expect(b.error.message).toContain('name');
      const [ps, p] = await call('DELETE', '/v1/models/some-model/versions/zero');
      expect([ps, p.error.code]).toEqual([400, 'invalid_params']);
      expect(p.error.message).toContain('version');
    } finally {
      server.close();
    }
  });

  it('lists every route in the OpenAPI document with its scopes', () => {
    const doc = buildOpenApi() as {
      paths: Record<string, Record<string, { operationId: string; 'x-hearth-scopes': string[]; security?: unknown[] }>>;
    };
    const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops));
    expect(operations).toHaveLength(ROUTE_KEYS.length);
    for (const key of ROUTE_KEYS) {
      const spec: RouteSpec = ROUTES[key];
      const op = doc.paths[spec.path.replace(/:([a-zA-Z]+)/g, '{$1}')]?.[spec.method];
      expect(op?.operationId, key).toBe(key);
      expect(op?.['x-hearth-scopes'], key).toEqual(typeof spec.access === 'string' ? [] : [...spec.access]);
      if (spec.access === 'public') expect(op?.security).toEqual([]);
    }
  });
});
