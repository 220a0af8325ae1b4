// `npm run serve` as a supervisor or a terminal stops it: SIGTERM to the npm process (systemd, Docker) and
// Ctrl-C (SIGINT to the whole process group) must both stop the node itself, not just npm, and exit 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listeningUrlIn } from './contract/listening';

const ROOT = new URL('..', import.meta.url).pathname;

interface Started {
  npm: ChildProcess;
  url: string;
  dataDir: string;
  exited: Promise<number | null>;
}

const started: Started[] = [];

/** Runs the README's command in its own process group, as a terminal or a service manager would. */
async function startNpmServe(): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-npm-serve-'));
  const npm = spawn('npm', ['run', 'serve', '--', '--port', '0', '--data', dataDir], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HEARTH_STORE_KEY: 'npm-serve-key', HEARTH_LOG_CONSOLE: '0' },
  });
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no listening line within 90 s; stderr: ${err}`)), 90_000);
    npm.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    npm.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = listeningUrlIn(out);
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    void exited.then((code) => reject(new Error(`npm exited with ${code} before listening; stderr: ${err}`)));
  });
  const s = { npm, url, dataDir, exited };
  started.push(s);
  return s;
}

/** Processes (any parent) whose command line names this data dir: the node npm started, if it is still there. */
function processesUsing(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dataDir)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

afterEach(() => {
  for (const s of started.splice(0)) {
    for (const pid of processesUsing(s.dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});

describe.runIf(process.platform === 'linux')('npm run serve', () => {
  it('stops the node and exits 0 when npm gets SIGTERM', async () => {
    const s = await startNpmServe();
    expect(await answers(s.url)).toBe(true);
    s.npm.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(processesUsing(s.dataDir)).toEqual([]);
    expect(await answers(s.url)).toBe(false);
  });

  it('stops the node and exits 0 on Ctrl-C (SIGINT to the process group)', async () => {
    const s = await startNpmServe();
    process.kill(-(s.npm.pid as number), 'SIGINT');
    expect(await s.exited).toBe(0);
    expect(processesUsing(s.dataDir)).toEqual([]);
    expect(await answers(s.url)).toBe(false);
  });
});
