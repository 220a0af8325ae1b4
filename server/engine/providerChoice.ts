// The measured provider choice: every candidate of this platform that starts is timed on the fixed OCR workload
// (gpu/workload.ts), one after another in a process of its own, and the fastest runs. The result is kept in
// <data>/providers.json and measured again when ONNX Runtime or the machine's GPU/driver fingerprint changes.
// A forced provider (setting or --provider) skips the measurement.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import type { ProviderReport } from '../contract/providers';
import { createLogger } from '../logger';
import { probeProvider } from './gpu/probe';
import { engineCacheDir } from './cacheEntries';
import { CUDA_INSTALL_COMMAND, isProviderName, platformCandidates, unavailableReason, vulkanDriverFiles } from './providers';

const log = createLogger('engine:providers');

export type { ProviderReport };

export interface ProviderChoice {
  /** The provider the engine runs the OCR graphs on. */
  provider: string;
  /** Why, in words: "measured fastest: …", "forced by the provider setting", "no GPU provider is available here (…)". */
  why: string;
  /** Every candidate, best first as the platform lists them. */
  providers: ProviderReport[];
  measuredAt?: string;
  /** True when the result came from <data>/providers.json. */
  cached: boolean;
}

/** What a measured choice depends on: when any of it changes, the choice is measured again. */
export interface Fingerprint {
  onnxruntime: string;
  platform: string;
  cpu: string;
  cores: number;
  /** Hash of the Vulkan driver manifests (names, sizes, dates) and the NVIDIA driver version, where present. */
  gpu: string;
}

/** Where a data dir keeps the measured choice. */
export const PROVIDER_CHOICE_FILE = 'providers.json';
const CACHE_VERSION = 1;

interface CacheFile {
  version: number;
  fingerprint: Fingerprint;
  measuredAt: string;
  provider: string;
  why: string;
  providers: ProviderReport[];
}

function onnxRuntimeVersion(): string {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
}

export function fingerprint(env: NodeJS.ProcessEnv = process.env): Fingerprint {
  const hash = createHash('sha256');
  const { files } = vulkanDriverFiles(env);
  for (const f of [...files, '/proc/driver/nvidia/version']) {
    try {
      const st = statSync(f);
      hash.update(`${f}:${st.size}:${st.mtimeMs}\n`);
      if (f.startsWith('/proc/')) hash.update(readFileSync(f, 'utf8'));
    } catch {
      hash.update(`${f}:absent\n`);
    }
  }
  return {
    onnxruntime: onnxRuntimeVersion(),
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    gpu: hash.digest('hex').slice(0, 16),
  };
}

function readCache(dataDir: string, fp: Fingerprint): CacheFile | undefined {
  const file = join(dataDir, PROVIDER_CHOICE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (c.version !== CACHE_VERSION || JSON.stringify(c.fingerprint) !== JSON.stringify(fp)) return undefined;
    return c;
  } catch {
    return undefined;
  }
}

function writeCache(dataDir: string, c: CacheFile): void {
  const file = join(dataDir, PROVIDER_CHOICE_FILE);
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(c, null, 2) + '\n');
    renameSync(tmp, file);
  } catch (err) {
    // Not fatal: the choice is measured again at the next start.
    log.warn(`cannot keep the provider measurement in ${file}: ${(err as Error).message}`);
  }
}

const round = (ms: number): string => (ms >= 100 ? Math.round(ms).toLocaleString('en') : ms.toFixed(1));

/**
 * How long a candidate may take for its warm-up and timed rounds: a fixed allowance for compiling its kernels
 * (a GPU compiles shaders on the first run) plus forty of the CPU's rounds. Past it, it has lost to the CPU.
 */
export function runLimitMs(cpuMs: number): number {
  return 30_000 + 40 * cpuMs;
}

/**
 * Times the workload on each candidate in turn, each in its own process (never two at once: WebGPU may not be
 * started twice together). The CPU goes first, so a slower candidate can be stopped early. `cacheDir`: the
 * engine's graph cache, which the measuring processes read and fill (gpu/probe.ts).
 */
export async function measureProviders(
  candidates: readonly string[],
  threads = availableParallelism(),
  cacheDir?: string,
): Promise<ProviderReport[]> {
  const order = ['cpu', ...candidates.filter((c) => c !== 'cpu')];
  const reports = new Map<string, ProviderReport>();
  let cpuMs: number | undefined;
  for (const name of order) {
    const missing = unavailableReason(name);
    if (missing) {
      reports.set(name, { name, available: false, reason: missing, chosen: false });
      continue;
    }
    const r =
      name === 'cpu' || cpuMs === undefined
        ? await probeProvider(name, threads, 120_000, Infinity, cacheDir)
        : await probeProvider(name, 1, runLimitMs(cpuMs), cpuMs * 4, cacheDir);
    if (r.ok) {
      if (name === 'cpu') cpuMs = r.ms;
      reports.set(name, { name, available: true, ms: r.ms, chosen: false });
    } else if (/took longer than/.test(r.reason)) {
      // It started, and lost by measurement.
      reports.set(name, { name, available: true, reason: `slower than the CPU: ${r.reason}`, chosen: false });
    } else {
      const reason = name === 'cuda' ? `${r.reason} (CUDA 12 and cuDNN 9 are needed; ${CUDA_INSTALL_COMMAND})` : r.reason;
      reports.set(name, { name, available: false, reason, chosen: false });
    }
  }
  return candidates.map((c) => reports.get(c) as ProviderReport);
}

/** Picks the fastest measured candidate (the CPU when nothing else started) and says why. */
export function pickFastest(reports: ProviderReport[]): { provider: string; why: string; providers: ProviderReport[] } {
  const measured = reports.filter((r) => r.available && r.ms !== undefined).sort((a, b) => (a.ms as number) - (b.ms as number));
  const best = measured[0]?.name ?? 'cpu';
  const others = reports.filter((r) => r.name !== best);
  const rivals = others
    .filter((r) => r.available)
    .map((r) => (r.ms !== undefined ? `${r.name} ${round(r.ms)} ms` : `${r.name} ${r.reason ?? 'did not finish'}`));
  const off = others.filter((r) => !r.available).map((r) => `${r.name}: ${r.reason}`);
  const why = rivals.length
    ? `measured fastest on the fixed OCR workload (${best} ${round(measured[0].ms as number)} ms; ${rivals.join('; ')})`
    : off.length
      ? `no GPU provider is available here (${off.join('; ')})`
      : 'the only candidate';
  const providers = reports.map((r) => {
    const chosen = r.name === best;
    const reason = r.reason ?? (!chosen && r.available ? `slower than ${best} on the fixed OCR workload` : undefined);
    return { ...r, chosen, ...(reason ? { reason } : {}) };
  });
  return { provider: best, why, providers };
}

export interface ChooseOptions {
  dataDir: string;
  /** A provider name, or 'auto' / undefined for the measured choice. */
  forced?: string;
  /** Measure even when a cached result for this machine exists. */
  remeasure?: boolean;
  /** Measure the CPU too when it is the only candidate that can start (`hearth doctor` shows its time). */
  full?: boolean;
  candidates?: readonly string[];
}

function reasonOf(name: string): { available: boolean; reason?: string } {
  const reason = unavailableReason(name);
  return reason ? { available: false, reason } : { available: true };
}

/** The provider to run on: forced, cached for this machine, or measured now (and cached). */
export async function chooseProvider(opts: ChooseOptions): Promise<ProviderChoice> {
  const candidates = opts.candidates ?? platformCandidates();
  if (opts.forced && opts.forced !== 'auto') {
    if (!isProviderName(opts.forced)) throw new Error(unavailableReason(opts.forced));
    const cached = readCache(opts.dataDir, fingerprint());
    // Unmeasured here: what can be told without starting each candidate.
    const known = cached?.providers ?? candidates.map((name) => ({ name, ...reasonOf(name) }));
    const providers = known.map((r) => ({ ...r, chosen: r.name === opts.forced }));
    return {
      provider: opts.forced,
      why: 'forced by the provider setting',
      providers,
      measuredAt: cached?.measuredAt,
      cached: Boolean(cached),
    };
  }
  const fp = fingerprint();
  const cached = opts.remeasure ? undefined : readCache(opts.dataDir, fp);
  if (cached)
    return { provider: cached.provider, why: cached.why, providers: cached.providers, measuredAt: cached.measuredAt, cached: true };
  // Only the CPU can start here: nothing to measure.
  const statically = candidates.map((name) => ({ name, reason: unavailableReason(name) }));
  if (!opts.full && statically.every((c) => c.name === 'cpu' || c.reason)) {
    const picked = pickFastest(statically.map((c) => ({ name: c.name, available: !c.reason, reason: c.reason, chosen: false })));
    return { ...picked, cached: false };
  }
  log.info(
    `measuring execution providers (${candidates.join(', ')}) on a fixed OCR workload; the result is kept in ${join(opts.dataDir, PROVIDER_CHOICE_FILE)}`,
  );
  const picked = pickFastest(await measureProviders(candidates, availableParallelism(), engineCacheDir(opts.dataDir)));
  const measuredAt = new Date().toISOString();
  writeCache(opts.dataDir, { version: CACHE_VERSION, fingerprint: fp, measuredAt, ...picked });
  return { ...picked, measuredAt, cached: false };
}
