// The dynamic batcher on a plain function that doubles its input: joins inputs of one shape across callers,
// keeps shapes apart, honours the row limit and the queue delay, and gives every caller its own rows back.
import { describe, expect, it } from 'vitest';
import { DynamicBatcher, joinRows, splitRows } from './batcher';
import type { WireTensor } from './protocol';

function rows(n: number, width: number, start: number): WireTensor {
  const data = Float32Array.from({ length: n * width }, (_, i) => start + i);
  return { type: 'float32', dims: [n, width], data };
}

/** A model that doubles its input and records the batch sizes it was given. */
function doubler(seen: number[][], ms = 5) {
  return async (input: WireTensor): Promise<Record<string, WireTensor>> => {
    seen.push([...input.dims]);
    await new Promise((r) => setTimeout(r, ms));
    const data = (input.data as Float32Array).map((v) => v * 2);
    return { out: { type: 'float32', dims: [...input.dims], data } };
  };
}

describe('DynamicBatcher', () => {
  it('joins inputs of one shape arriving within the delay into one run and splits the outputs back', async () => {
    const seen: number[][] = [];
    const b = new DynamicBatcher(doubler(seen), { maxRows: 32, maxDelayMs: 20 });
    const inputs = [rows(1, 4, 0), rows(3, 4, 100), rows(2, 4, 200)];
    const outs = await Promise.all(inputs.map((i) => b.submit(i)));
    expect(seen).toEqual([[6, 4]]);
    outs.forEach((o, k) => {
      expect(o.out.dims).toEqual(inputs[k].dims);
      expect([...o.out.data]).toEqual([...inputs[k].data].map((v) => Number(v) * 2));
    });
  });

  it('keeps inputs of different shapes apart and never runs more than maxRows together', async () => {
    const seen: number[][] = [];
    const b = new DynamicBatcher(doubler(seen), { maxRows: 4, maxDelayMs: 10 });
    await Promise.all([b.submit(rows(2, 4, 0)), b.submit(rows(2, 8, 0)), b.submit(rows(2, 4, 0)), b.submit(rows(2, 4, 0))]);
    const widths4 = seen.filter((d) => d[1] === 4).map((d) => d[0]);
    const widths8 = seen.filter((d) => d[1] === 8).map((d) => d[0]);
    expect(widths4.reduce((a, c) => a + c, 0)).toBe(6);
    expect(Math.max(...widths4)).toBeLessThanOrEqual(4);
    expect(widths8).toEqual([2]);
    expect(b.runs).toBe(seen.length);
  });

  it('runs what gathered during a run right after it, and a lone input after the delay', async () => {
    const seen: number[][] = [];
    const b = new DynamicBatcher(doubler(seen, 30), { maxRows: 32, maxDelayMs: 1 });
    const first = b.submit(rows(1, 2, 0));
    await new Promise((r) => setTimeout(r, 10));
    // The model is busy with the first: these two wait and go together.
    await Promise.all([first, b.submit(rows(1, 2, 0)), b.submit(rows(1, 2, 0))]);
    expect(seen.map((d) => d[0])).toEqual([1, 2]);
  });

  it('passes a run failure to every caller in that batch', async () => {
    const b = new DynamicBatcher(async () => Promise.reject(new Error('device lost')), { maxRows: 8, maxDelayMs: 5 });
    const results = await Promise.allSettled([b.submit(rows(1, 2, 0)), b.submit(rows(1, 2, 0))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('splitRows refuses outputs whose first dimension is not the batch', () => {
    const joined = joinRows([rows(1, 2, 0), rows(2, 2, 0)]);
    expect(joined.dims).toEqual([3, 2]);
    expect(() => splitRows({ out: rows(2, 2, 0) }, [1, 2])).toThrow(/2 rows for a batch of 3/);
  });
});
