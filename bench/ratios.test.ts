// The target lines: each ratio against its target, and a clear "n/a" naming what failed or did not run.
import { describe, expect, it } from 'vitest';
import type { ContenderResult } from './contenders/types';
import { ratioLines, TARGETS_HEADING } from './ratios';
import { renderTable } from './table';

const row = (name: string, imagesPerS: number, more: Partial<ContenderResult> = {}): ContenderResult => ({
  name,
  images: 60,
  imagesPerS,
  ...more,
});

describe('ratioLines', () => {
  it('compares the CLI with the faster same-model peer, at equal or lower CER', () => {
    const lines = ratioLines({
      cli: row('cli', 3.2, { cer: 0.01 }),
      gutenye: row('g', 0.5, { cer: 0.02 }),
      paddleocr: row('p', 1.0, { cer: 0.005 }),
    });
    expect(lines[0]).toContain('(paddleocr): 3.20×');
    expect(lines[0]).toMatch(/≥ 3\.00× → met;/);
    expect(ratioLines({ cli: row('cli', 2.2), paddleocr: row('p', 1.0) })[0]).toMatch(/2\.20× images\/s — target ≥ 3\.00× → NOT met/);
    expect(lines[0]).toMatch(/CER 1\.00 % vs 0\.50 % — target ≤ → NOT met/);
  });

  it('judges in-process vs bare, HTTP@8 with errors and health p99, and RSS drift', () => {
    const lines = ratioLines({
      inproc: row('in', 4),
      bare: row('bare', 4.5),
      http8: row('h8', 3.8, { errors: 0, extra: { healthP99Ms: 12 } }),
      rss: row('rss', 4, { extra: { rssAt100Mb: 500, rssAtEndMb: 560, total: 1000 } }),
    });
    expect(lines.find((l) => l.startsWith('in-process'))).toMatch(/88\.89 % — target ≥ 80 % → met/);
    expect(lines.find((l) => l.startsWith('POST'))).toMatch(/95\.00 % .* → met; errors 0 .* → met; GET \/v1\/health p99 12\.0 ms .* → met/);
    expect(lines.find((l) => l.startsWith('RSS'))).toMatch(/1\.120 — target within 10 % → NOT met/);
  });

  it('says which contender failed or did not run instead of a ratio', () => {
    const lines = ratioLines({ cli: { name: 'cli', images: 60, error: 'boom' }, gutenye: row('g', 1) });
    expect(lines[0]).toMatch(/n\/a \(hearth ocr failed, paddleocr not run\)/);
    expect(lines.at(-1)).toContain('not run (--quick');
  });

  it('speaks of the product only, in the heading and in every line', () => {
    const lines = ratioLines({
      cli: row('cli', 2),
      paddleocr: row('p', 1),
      inproc: row('in', 4),
      bare: row('bare', 5),
      http8: row('h8', 4, { errors: 0 }),
    });
    for (const text of [TARGETS_HEADING, ...lines]) expect(text).not.toMatch(/\bissues?\b|acceptance/i);
  });
});

describe('renderTable', () => {
  it('prints figures in aligned columns and a failed contender with its reason', () => {
    const text = renderTable([
      row('Hearth', 3.456, { latenciesMs: [10, 20, 30], cpuS: 10, wallS: 5, peakRssMb: 512.4, cer: 0.0123, errors: 0 }),
      { name: 'paddleocr', images: 60, error: 'no models' },
    ]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^Hearth\s+3\.46\s+–\s+20\s+30\s+10\.0\s+2\.00\s+512\s+1\.23\s+0/);
    expect(lines[3]).toContain('FAILED: no models');
    expect(lines[0].indexOf('img/s')).toBe(lines[1].indexOf('-', lines[0].indexOf('img/s') - 1));
  });
});
