// Every HTTP path of the node in one table; handlers and the typed client both use it.

export const API = {
  health: '/v1/health',
  ocr: '/v1/ocr',
  classify: '/v1/classify',
  models: '/v1/models',
  model: '/v1/models/:id',
  modelInfer: '/v1/models/:id/infer',
  modelExport: '/v1/models/:id/export',
  modelActivate: '/v1/models/:id/activate',
  modelLoad: '/v1/models/:id/load',
  modelUnload: '/v1/models/:id/unload',
  modelVersion: '/v1/models/:id/versions/:version',
  jobs: '/v1/jobs',
  job: '/v1/jobs/:id',
  jobEvents: '/v1/jobs/:id/events',
  jobExport: '/v1/jobs/:id/export',
  jobItems: '/v1/jobs/:id/items',
  jobAction: '/v1/jobs/:id/:action',
  results: '/v1/results',
  result: '/v1/results/:id',
  resultImage: '/v1/results/:id/image',
  keys: '/v1/keys',
  key: '/v1/keys/:id',
  usage: '/v1/usage',
  audit: '/v1/audit',
  settings: '/v1/settings',
  node: '/v1/node',
  monitor: '/v1/monitor',
  metrics: '/metrics',
  openapi: '/v1/openapi.json',
} as const;

/** Fills `:name` segments of a path template. */
export function pathFor(template: string, params: Record<string, string | number>): string {
  return template.replace(/:([a-zA-Z]+)/g, (_, name: string) => encodeURIComponent(String(params[name])));
}
