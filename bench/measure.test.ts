// The bench's process figures: a child that burns CPU and holds memory must show both, and a child past
// its time limit must be killed and reported.
import { describe, expect, it } from 'vitest';
import { percentile, procSnapshot, runMeasured } from './measure';

describe('runMeasured', () => {
  // A fixed amount of work (not a time), then the child's own view of its CPU time and peak memory: the
  // figures the bench reports must agree with it however busy the machine is.
  const script = [
    'const b = Buffer.alloc(150 * 2 ** 20, 1);',
    'let x = 0;',
    'for (let i = 0; i < 3e7; i++) x += b[(i * 4099) % b.length];',
    'const u = process.cpuUsage();',
    'console.log(JSON.stringify({ x: x > 0, cpuS: (u.user + u.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 }));',
  ].join(' ');

  it.each([true, false])(
    'reports CPU seconds and peak RSS of a child process as it sees them (GNU time: %s)',
    async (gnuTime) => {
      const f = await runMeasured(process.execPath, ['-e', script], { timeoutMs: 300_000, gnuTime });
      expect(f.code).toBe(0);
      const self = JSON.parse(f.stdout.trim().split('\n').pop() ?? '{}') as { x: boolean; cpuS: number; maxRssMb: number };
      expect(self.x).toBe(true);
      expect(self.maxRssMb).toBeGreaterThan(150);
      // Measured from outside, the whole process (start-up included) used at least what it counted itself.
      expect(f.cpuS ?? 0).toBeGreaterThanOrEqual(self.cpuS * 0.9);
      expect(f.peakRssMb ?? 0).toBeGreaterThanOrEqual(self.maxRssMb * 0.9);
    },
    600_000,
  );

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
