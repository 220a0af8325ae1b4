// Runs the real `hearth` CLI for the specs: `serve` as a child process that is waited on for its listening line,
// and one-shot commands (e.g. `keys create`) whose output is returned.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseListeningLine } from '../server/contract/listening';

/** The first start loads the OCR models; on a busy 2-core machine that takes a while. */
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 12_000;
const BIN = join(process.cwd(), 'bin', 'hearth.js');

export interface HearthServer {
  url: string;
  /** The node's process id (the security suite reads its memory from /proc). */
  pid: number;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

export async function startHearth(args: string[], env: Record<string, string>): Promise<HearthServer> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hearth serve did not listen within ${START_TIMEOUT_MS} ms\n${stderr}`)),
      START_TIMEOUT_MS,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      const listening = parseListeningLine(line);
      if (listening) {
        clearTimeout(timer);
        resolve(listening);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hearth serve exited with code ${code} before listening\n${stderr}`));
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs `hearth <args>` to completion and returns its stdout; throws with stderr when it fails. */
export function runHearth(args: string[], env: Record<string, string>): string {
  const res = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, NO_COLOR: '1' }, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`hearth ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return res.stdout;
}
