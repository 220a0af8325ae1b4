// The execution providers Hearth knows, as data: which ones are candidates on each platform (best first, cpu
// always last), which are GPUs, and what can be told about one without starting it (libraries, Vulkan driver).
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PROVIDER_NAMES, type ProviderName } from '../contract/providerNames';

export { PROVIDER_NAMES, type ProviderName };

/** Candidates per operating system, best first; cpu is last everywhere. */
export const PLATFORM_CANDIDATES: Readonly<Partial<Record<NodeJS.Platform, readonly ProviderName[]>>> = Object.freeze({
  linux: ['cuda', 'webgpu', 'cpu'],
  win32: ['dml', 'webgpu', 'cpu'],
  darwin: ['coreml', 'webgpu', 'cpu'],
});

/** In words, for messages: "running on the CPU", "running on WebGPU". */
export const PROVIDER_LABELS: Readonly<Record<ProviderName, string>> = Object.freeze({
  cpu: 'the CPU',
  webgpu: 'WebGPU',
  cuda: 'CUDA',
  dml: 'DirectML',
  coreml: 'Core ML',
});

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

export function providerLabel(name: string): string {
  return isProviderName(name) ? PROVIDER_LABELS[name] : name;
}

/** This platform's candidates, best first, cpu last. */
export function platformCandidates(platform: NodeJS.Platform = process.platform): ProviderName[] {
  return [...(PLATFORM_CANDIDATES[platform] ?? ['cpu'])];
}

/** Providers to try for a session in order: the wanted ones, then cpu as the last resort (cpu alone when none is wanted). */
export function providerCandidates(wanted: readonly string[] = []): string[] {
  return [...new Set(wanted.filter((p) => p !== 'cpu')), 'cpu'];
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

/** The command that installs ONNX Runtime's CUDA libraries into onnxruntime-node (CUDA 12, internet needed). */
export const CUDA_INSTALL_COMMAND = 'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install';

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

/** Folders the Vulkan loader searches for driver (ICD) manifests when no variable names them. */
function vulkanIcdDirs(env: NodeJS.ProcessEnv): string[] {
  const data = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  const config = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  return [...config, '/etc', ...data, env.XDG_DATA_HOME || join(env.HOME ?? '/', '.local/share')].map((d) => join(d, 'vulkan', 'icd.d'));
}

/** The Vulkan driver manifests the loader would use here: the named ones when a variable names them, else the standard folders' files. */
export function vulkanDriverFiles(env: NodeJS.ProcessEnv = process.env): { named: boolean; files: string[] } {
  const named = env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES;
  if (named) return { named: true, files: named.split(':').filter(Boolean) };
  const files = vulkanIcdDirs(env).flatMap((dir) => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(dir, f));
    } catch {
      return [];
    }
  });
  return { named: false, files };
}

/**
 * Why a provider cannot run here, as far as can be told without starting it; undefined when it is worth
 * trying (starting it may still fail, and that is measured).
 */
export function unavailableReason(
  provider: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (!isProviderName(provider)) return `unknown execution provider "${provider}" (one of ${PROVIDER_NAMES.join(', ')})`;
  if (provider === 'cpu') return undefined;
  if (!platformCandidates(platform).includes(provider)) return `${PROVIDER_LABELS[provider]} is not available on ${platform}`;
  if (!providerInstalled(provider)) {
    return provider === 'cuda'
      ? `ONNX Runtime's CUDA libraries are not installed (${CUDA_INSTALL_COMMAND})`
      : `${provider} libraries are not installed`;
  }
  if (provider === 'webgpu' && platform === 'linux') {
    const { named, files } = vulkanDriverFiles(env);
    if (named) {
      const missing = files.filter((f) => !existsSync(f));
      if (missing.length === files.length) return `no Vulkan driver: ${missing.join(', ')} (named by VK_ICD_FILENAMES) does not exist`;
    } else if (files.length === 0) return 'no Vulkan driver is installed (no ICD file under /usr/share/vulkan/icd.d or /etc/vulkan/icd.d)';
  }
  return undefined;
}

/** The one line that says which provider runs and why. */
export function choiceLine(choice: { provider: string; why: string }): string {
  return `running on ${providerLabel(choice.provider)}: ${choice.why}`;
}
