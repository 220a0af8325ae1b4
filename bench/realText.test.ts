import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ensureRealTextSet, planRealSet, realSources } from './realText';

const root = resolve(import.meta.dirname, '..');

describe('real-text set', () => {
  it('draws English and Chinese lines from the installed packages, the same plan every time', () => {
    const sources = realSources(root);
    expect(sources.some((s) => s.lang === 'en' && /readme/i.test(s.file))).toBe(true);
    expect(sources.some((s) => s.lang === 'zh')).toBe(true);
    const plan = planRealSet(sources, 12);
    expect(plan.map((p) => p.lang)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 2 ? 'zh' : 'en')));
    expect(new Set(plan.map((p) => p.scale))).toEqual(new Set([1, 2]));
    for (const p of plan.filter((x) => x.lang === 'zh')) expect(p.lines.join('')).toMatch(/[\u3400-\u9fff]/u);
    expect(planRealSet(sources, 12)).toEqual(plan);
  });

  it('renders blocks in Chromium with the truth read from the page', async () => {
    const set = await ensureRealTextSet(root, 2);
    const plan = planRealSet(realSources(root), 2);
    expect(set.files).toEqual(plan.map((p) => p.file));
    for (const p of plan) {
      expect(set.truth[p.file]).toBe(p.lines.join('\n'));
      const meta = await sharp(readFileSync(join(set.dir, p.file))).metadata();
      expect(meta.height).toBeGreaterThan(p.lines.length * p.size * p.scale);
    }
  }, 60_000);
});
