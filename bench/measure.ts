// Process figures for the bench: wall time, CPU seconds and peak RSS of a child process (GNU time when
// present, /proc sampling otherwise), and /proc readings of a long-running server between two instants.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessFigures {
  code: number | null;
  signal: string | null;
  wallS: number;
  /** User + system seconds of the process and every descendant it waited for. */
  cpuS: number | null;
  /** Largest resident set of the process (or of its largest descendant), MB. */
  peakRssMb: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the process (and its group) after this many ms; the figures say timedOut. */
  timeoutMs: number;
  /** Called with each stderr chunk (progress bars, logs) so the bench can show liveness. */
  onStderr?: (chunk: string) => void;
  /** Measure through GNU time (default: when /usr/bin/time exists) or by sampling /proc. */
  gnuTime?: boolean;
}

const GNU_TIME = '/usr/bin/time';
/** Linux clock ticks per second for /proc/<pid>/stat utime/stime; 100 on every mainstream kernel config. */
const CLK_TCK = 100;
const PAGE_KB = 4;

/** Runs `cmd args` to completion and measures it; never throws for a failing command. */
export async function runMeasured(cmd: string, args: readonly string[], opts: RunOptions): Promise<ProcessFigures> {
  const useTime = opts.gnuTime ?? existsSync(GNU_TIME);
  const scratch = mkdtempSync(join(tmpdir(), 'hearth-bench-time-'));
  const timeFile = join(scratch, 'time.txt');
  const argv = useTime ? ['-f', '%e %U %S %M', '-o', timeFile, cmd, ...args] : [...args];
  const started = process.hrtime.bigint();
  // detached: the child leads its own process group, so a timeout can kill tsx/node grandchildren too.
  const child = spawn(useTime ? GNU_TIME : cmd, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  trackChild(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    opts.onStderr?.(d);
  });
  const sampler = useTime || child.pid === undefined ? null : startProcSampler(child.pid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, opts.timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.on('error', (err) => {
      stderr += `\n${err.message}`;
      resolve({ code: null, signal: null });
    });
    child.on('close', (c, s) => resolve({ code: c, signal: s }));
  });
  clearTimeout(timer);
  untrackChild(child.pid);
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  let cpuS: number | null = null;
  let peakRssMb: number | null = null;
  if (useTime && existsSync(timeFile)) {
    // GNU time may prefix "Command exited with non-zero status N"; the figures are the last line.
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const [, user, sys, rssKb] = last.split(/\s+/).map(Number);
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuS = user + sys;
    if (Number.isFinite(rssKb)) peakRssMb = rssKb / 1024;
  } else if (sampler) {
    const s = sampler.stop();
    cpuS = s.cpuS;
    peakRssMb = s.peakRssMb;
  }
  rmSync(scratch, { recursive: true, force: true });
  return { code, signal, wallS, cpuS, peakRssMb, stdout, stderr, timedOut };
}

// Children run detached (their own process group, so a timeout can kill grandchildren too); that also keeps
// Ctrl-C from reaching them, so the bench kills whatever it still has running when it is stopped.
const live = new Set<number>();
let cleanupInstalled = false;

/** Remembers a detached child so an interrupted bench does not leave it running. */
export function trackChild(pid: number | undefined): void {
  if (pid === undefined) return;
  live.add(pid);
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const killAll = (): void => {
    for (const p of live) killGroup(p);
    live.clear();
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

export function untrackChild(pid: number | undefined): void {
  if (pid !== undefined) live.delete(pid);
}

/** Sends SIGKILL to a detached child's whole process group (best effort). */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export interface ProcSnapshot {
  /** utime + stime of every thread of the process so far, seconds. */
  cpuS: number;
  rssMb: number;
  /** Peak RSS since the process started (VmHWM), MB. */
  peakRssMb: number;
}

/** Reads /proc/<pid> now; null when the process is gone or /proc is absent. */
export function procSnapshot(pid: number): ProcSnapshot | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which sits in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return {
      cpuS: (utime + stime) / CLK_TCK,
      rssMb: (rssPages * PAGE_KB) / 1024,
      peakRssMb: hwm ? Number(hwm[1]) / 1024 : (rssPages * PAGE_KB) / 1024,
    };
  } catch {
    return null;
  }
}

/** Fallback when GNU time is missing: samples /proc every 50 ms (misses the last instant and grandchildren). */
function startProcSampler(pid: number): { stop(): { cpuS: number | null; peakRssMb: number | null } } {
  let last: ProcSnapshot | null = null;
  let peak = 0;
  const tick = (): void => {
    const s = procSnapshot(pid);
    if (s) {
      last = s;
      peak = Math.max(peak, s.peakRssMb);
    }
  };
  tick();
  const timer = setInterval(tick, 50);
  return {
    stop() {
      clearInterval(timer);
      const l = last as ProcSnapshot | null;
      return { cpuS: l ? l.cpuS : null, peakRssMb: peak || null };
    },
  };
}

/** The p-th percentile (0..100) by nearest rank; null for no samples. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
