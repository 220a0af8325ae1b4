// Runs probeMain in a child process for one provider, with time limits: the sessions must load within
// LOAD_LIMIT_MS, and the warm-up plus timed rounds must finish within the run limit the caller gives.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_ROOT, NODE_BUNDLE_DIR } from '../../paths';
import { optOutOfOnnxTelemetry } from '../onnxTelemetry';

export const LOAD_LIMIT_MS = 120_000;

export type ProbeResult = { ok: true; ms: number; rounds: number } | { ok: false; reason: string };

function probeCommand(): string[] {
  // The bundle (out/node) has probe.js; from sources, tsx compiles probeMain.ts.
  if (!import.meta.url.endsWith('.ts')) return [join(NODE_BUNDLE_DIR, 'probe.js')];
  return ['--import', 'tsx', fileURLToPath(new URL('./probeMain.ts', import.meta.url))];
}

/**
 * Times `provider` on the fixed workload in a child process. With `cacheDir` (the engine's graph cache) the child
 * reads the prepared graphs from it, or prepares and keeps them there: the engine that starts after the
 * measurement then finds them ready instead of preparing them a second time.
 */
export function probeProvider(
  provider: string,
  threads: number,
  runLimitMs: number,
  budgetMs = Infinity,
  cacheDir?: string,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const args = [provider, String(threads), String(budgetMs), ...(cacheDir ? [cacheDir] : [])];
    optOutOfOnnxTelemetry();
    const child = spawn(process.execPath, [...probeCommand(), ...args], {
      cwd: APP_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let settled = false;
    const finish = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(r);
    };
    const limit = (ms: number, what: string): NodeJS.Timeout =>
      setTimeout(() => finish({ ok: false, reason: `${what} took longer than ${Math.round(ms / 1000)} s` }), ms);
    let timer = limit(LOAD_LIMIT_MS, 'loading the OCR models');
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        let msg: { loaded?: boolean; ms?: number; rounds?: number; reason?: string };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          continue;
        }
        if (msg.loaded) {
          clearTimeout(timer);
          timer = limit(runLimitMs, 'the fixed OCR workload');
        } else if (msg.ms !== undefined) finish({ ok: true, ms: msg.ms, rounds: msg.rounds ?? 1 });
        else if (msg.reason) finish({ ok: false, reason: msg.reason });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err = (err + chunk).slice(-2000)));
    child.on('error', (e) => finish({ ok: false, reason: e.message }));
    child.on('close', (code, signal) => {
      const last = err.trim().split('\n').filter(Boolean).pop();
      finish({
        ok: false,
        reason: `the measuring process ended (${signal ?? `exit code ${code}`})${last ? `: ${last.slice(0, 200)}` : ''}`,
      });
    });
  });
}
