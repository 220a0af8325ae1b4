// Execution provider names a person may choose (settings, `--provider`). Apart from their schemas
// (providers.ts) so that engine workers, which only need the names, do not load zod.
export const PROVIDER_NAMES = ['cpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
