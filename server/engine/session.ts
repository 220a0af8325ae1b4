// The one place ONNX Runtime sessions are created: tries providers best first, falls back to the CPU with one
// warning (or, strict, only the providers asked for), and remembers which provider actually runs each session.
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { createLogger } from '../logger';
import { providerCandidates, providerInstalled, unavailableReason } from './providers';
import { optOutOfOnnxTelemetry } from './onnxTelemetry';

const log = createLogger('engine:session');
// Before any session here can create ONNX Runtime's environment (sessions made on the main thread: tests, tools).
optOutOfOnnxTelemetry();
const warned = new Set<string>();

export interface LoadedSession {
  session: ort.InferenceSession;
  /** The provider that loaded this session. */
  provider: string;
}

export interface SessionOptions {
  providers?: readonly string[];
  /** Intra-op threads for this session (workers each get a share of the cores). */
  threads?: number;
  /** The model is ONNX Runtime's own optimised output (modelCache.ts): load it without optimising again. */
  preOptimized?: boolean;
  /** Where ONNX Runtime writes the graph it optimised (for this CPU), for modelCache.ts to keep. */
  saveOptimizedTo?: string;
  /** Only the given providers, no cpu fallback: a failure throws (measuring a provider, the GPU thread). */
  strict?: boolean;
}

/**
 * ONNX Runtime's environment and operator registry: set up once per process, by the first session or by this
 * (20-40 ms on a 2-core machine), so a worker waiting for its start can take it out of its first session's time.
 * Only a head start: where it fails, the first session sets it up as usual.
 */
export function setUpOnnxRuntime(): void {
  try {
    (createRequire(import.meta.url)('onnxruntime-node/dist/binding.js') as { initOrt(): void }).initOrt();
  } catch {
    // Left to the first session.
  }
}

/** The provider createSession tries first on this machine (its libraries are on disk); it may still fall back. */
export function firstInstalledProvider(providers?: readonly string[]): string {
  return providerCandidates(providers).find((p) => providerInstalled(p)) ?? 'cpu';
}

/** ONNX Runtime's first error line, shortened for a log line or a report. */
export function firstLine(err: unknown): string {
  const line = String((err as Error)?.message ?? err).split('\n')[0];
  // "…/webgpu_context.cc:136 onnxruntime::…Initialize(…) adapter_result.status == … was false. Failed to get …"
  const said = /\bwas false\. (.+)$/.exec(line)?.[1] ?? line.replace(/^\S+\.(?:cc|cpp|h):\d+ /, '');
  return said.slice(0, 240);
}

/** Creates a session on the first provider that loads; a provider that fails is skipped with one warning per process. */
export async function createSession(model: string | Uint8Array, opts: SessionOptions = {}): Promise<LoadedSession> {
  const candidates = opts.strict ? [...(opts.providers ?? ['cpu'])] : providerCandidates(opts.providers);
  let lastError: unknown;
  for (const provider of candidates) {
    const missing = unavailableReason(provider);
    if (missing) {
      lastError = new Error(missing);
      if (!opts.strict && !warned.has(provider)) {
        warned.add(provider);
        log.warn(`running on the CPU: ${missing}`);
      }
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(model as string, {
        executionProviders: [provider],
        // Errors only: ONNX Runtime's warnings (e.g. shape ops placed on the CPU by design) say nothing a person can act on.
        logSeverityLevel: 3,
        intraOpNumThreads: opts.threads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: opts.preOptimized ? 'disabled' : 'all',
        ...(opts.saveOptimizedTo && provider === 'cpu'
          ? { optimizedModelFilePath: opts.saveOptimizedTo, logSeverityLevel: 3 as const }
          : {}),
        executionMode: 'sequential',
        // Inputs change shape from run to run (every image and text line differs). Memory patterns are planned
        // and kept per shape, so they are off. The arena stays on: it grows to the largest image's needs and is
        // reused after that, where plain malloc/free of every intermediate fragments the heap. Measured over 700
        // images: RSS 467 → 470 MB with the arena, 413 → 504 MB (and ±50 MB from one hundred to the next) without.
        enableCpuMemArena: true,
        enableMemPattern: false,
        // Idle intra-op threads sleep rather than spin. Spinning buys microseconds on an idle machine and costs
        // seconds on a busy one: with other processes on the cores, 6 images in one worker took 7.5–8.9 s on 2
        // spinning threads, 3.2–4.3 s on 1 thread and 1.8–2.1 s on 2 sleeping threads (scratch runs, load ≈ 24).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      return { session, provider };
    } catch (err) {
      lastError = err;
      if (!opts.strict && provider !== 'cpu' && !warned.has(provider)) {
        warned.add(provider);
        log.warn(`running on the CPU: ${provider} failed to start: ${firstLine(err)}`);
      }
    }
  }
  throw lastError;
}
