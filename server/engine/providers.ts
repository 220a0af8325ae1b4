// Which ONNX Runtime execution providers to try on this platform, best first; cpu is always last.

export const PROVIDER_TABLE: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'linux-x64': ['cuda', 'cpu'],
  'linux-arm64': ['cpu'],
  'win32-x64': ['dml', 'cpu'],
  'win32-arm64': ['dml', 'cpu'],
  'darwin-arm64': ['coreml', 'cpu'],
  'darwin-x64': ['coreml', 'cpu'],
});

/** Providers to try in order. `wanted` (config) overrides the table; cpu is always the last resort. */
export function providerCandidates(wanted: readonly string[] = [], platform = `${process.platform}-${process.arch}`): string[] {
  const base = wanted.length ? wanted : (PROVIDER_TABLE[platform] ?? ['cpu']);
  const list = base.filter((p) => p !== 'cpu');
  return [...new Set(list), 'cpu'];
}
