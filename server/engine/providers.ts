// Which ONNX Runtime execution providers to try on this platform, best first; cpu is always last.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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

/**
 * Shared libraries a provider needs beside the onnxruntime-node binding. CUDA/TensorRT are a separate
 * download (ONNXRUNTIME_NODE_INSTALL=cuda12); checking for the file first avoids ONNX Runtime's own
 * error spew on every session it would otherwise try.
 */
const PROVIDER_LIBRARIES: Readonly<Record<string, Partial<Record<NodeJS.Platform, string>>>> = Object.freeze({
  cuda: { linux: 'libonnxruntime_providers_cuda.so', win32: 'onnxruntime_providers_cuda.dll' },
  tensorrt: { linux: 'libonnxruntime_providers_tensorrt.so', win32: 'onnxruntime_providers_tensorrt.dll' },
});

/** Where onnxruntime-node keeps its native binding for this platform. */
export function ortBinaryDir(): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  return join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

/** Whether a provider's libraries are on disk (true for providers built into the binding, like cpu, dml, coreml). */
export function providerInstalled(provider: string, dir = ortBinaryDir()): boolean {
  const lib = PROVIDER_LIBRARIES[provider]?.[process.platform];
  return !lib || existsSync(join(dir, lib));
}
