// The bench's process figures: a child that burns CPU and holds memory must show both, and a child past
// its time limit must be killed and reported.
import { describe, expect, it } from 'vitest';
import { percentile, procSnapshot, runMeasured } from './measure';

describe('runMeasured', () => {
  // Spins until it has used 0.5 s of CPU (not wall time), so a busy machine cannot make it use less.
  const script =
    'const b = Buffer.alloc(200 * 2 ** 20, 1); let x = 0; while (process.cpuUsage().user < 500000) x += b[x % b.length]; console.log("done", x > 0);';

  it.each([true, false])('reports CPU seconds and peak RSS of a child process (GNU time: %s)', async (gnuTime) => {
    const f = await runMeasured(process.execPath, ['-e', script], { timeoutMs: 30_000, gnuTime });
    expect(f.code).toBe(0);
    expect(f.stdout).toContain('done true');
    expect(f.cpuS).toBeGreaterThanOrEqual(0.45);
    expect(f.peakRssMb).toBeGreaterThan(200);
  }, 60_000);

  it('kills a child past its limit and says so', async () => {
    const f = await runMeasured(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 500 });
    expect(f.timedOut).toBe(true);
    expect(f.code).not.toBe(0);
  });
});

describe('procSnapshot', () => {
  it('reads this process and gives null for one that does not exist', () => {
    const me = procSnapshot(process.pid);
    expect(me?.rssMb).toBeGreaterThan(10);
    expect(me!.peakRssMb).toBeGreaterThanOrEqual(me!.rssMb - 1);
    expect(procSnapshot(2 ** 22 + 12345)).toBeNull();
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});
