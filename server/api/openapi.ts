// The OpenAPI 3.1 document of the node, generated from the route table: every declared route with its
// access, params, query, body and answer, so the document cannot drift from what is mounted.
import { z } from 'zod';
import { ERROR_CODES } from '../contract/errors';
import { importManifestSchema } from '../contract/models';
import { ROUTE_KEYS, ROUTES, type RouteKey, type RouteSpec } from '../contract/routes';
import { VERSION } from '../version';

const errorBody = z.object({ error: z.object({ code: z.enum(ERROR_CODES).or(z.string()), message: z.string() }) });

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete s.$schema;
  return s;
}

/** Path or query parameters from an object schema, described by what a caller sends. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    schema: prop,
  }));
}

const UPLOADS = {
  image: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        properties: { image: { type: 'string', contentMediaType: 'application/octet-stream' } },
        required: ['image'],
      },
    },
    'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } },
  },
  'model-upload': {
    'multipart/form-data': {
      schema: {
        type: 'object',
        properties: {
          model: { type: 'string', contentMediaType: 'application/octet-stream' },
          manifest: jsonSchema(importManifestSchema, 'input'),
          labels: { type: 'string' },
          bundle: { type: 'string', contentMediaType: 'application/x-tar' },
        },
      },
    },
    'application/x-tar': { schema: { type: 'string', contentMediaType: 'application/x-tar' } },
  },
};

/** How the document states a route's access; `x-hearth-scopes` carries it machine-readably. */
function accessOf(spec: RouteSpec): Record<string, unknown> {
  if (spec.access === 'public') return { security: [], 'x-hearth-scopes': [] };
  if (spec.access === 'any') return { description: 'Any valid key (the owner on loopback needs none).', 'x-hearth-scopes': [] };
  const scopes = spec.access.map((s) => `"${s}"`).join(' or ');
  return {
    description: `Needs the ${scopes} scope (the owner on loopback has every scope).`,
    'x-hearth-scopes': [...spec.access],
  };
}

function operation(key: RouteKey, spec: RouteSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    operationId: key,
    summary: spec.summary,
    tags: [spec.tag],
    ...accessOf(spec),
    parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
  };
  if (typeof spec.body === 'string') out.requestBody = { required: true, content: UPLOADS[spec.body] };
  else if (spec.body) out.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } };
  const r = spec.response;
  const success =
    r === undefined
      ? { description: 'done' }
      : r instanceof z.ZodType
        ? { description: 'success', content: { 'application/json': { schema: jsonSchema(r, 'output') } } }
        : { description: r.description, content: { [r.type]: { schema: { type: 'string' } } } };
  const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  out.responses = { [String(spec.status ?? 200)]: success, '4XX': error, '5XX': error };
  return out;
}

/** The whole document. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const key of ROUTE_KEYS) {
    const spec: RouteSpec = ROUTES[key];
    const oaPath = spec.path.replace(/:([a-zA-Z]+)/g, '{$1}');
    (paths[oaPath] ??= {})[spec.method] = operation(key, spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hearth node API',
      version: VERSION,
      description:
        'Private AI node: OCR, image classification, generic ONNX inference, bulk folder jobs. In LAN mode every route but /v1/health needs `Authorization: Bearer <key>`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API key (hk_…) from `hearth keys create` or POST /v1/keys' },
      },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
