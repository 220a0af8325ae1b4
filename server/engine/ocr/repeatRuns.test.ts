// Runs of equal glyphs in rendered lines at 11–20 px, in four real fonts: the wider second reading puts back the
// members CTC merged, and never shortens a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../testkit/renderText';
import { cer } from '../../testkit/cer';
import { decodeImage } from '../image';
import type { DecodedText } from './ctcDecode';
import { loadOcrModels, releaseOcrModels, type OcrModels } from './pipeline';
import { recogniseCrops } from './recogniser';
import { mergeRuns, recoverRuns, runSuspect } from './repeatRuns';

function reading(text: string, positions: number[], columnsPerStep = 8): DecodedText {
  const n = text.length;
  const fill = <T>(v: T): T[] => new Array<T>(n).fill(v);
  return {
    text,
    confidence: 0.9,
    positions,
    columnsPerStep,
    spaceBefore: fill(0),
    prob: fill(0.9),
    alternatives: Array.from({ length: n }, () => []),
    held: fill(1),
    unread: [],
  };
}

describe('mergeRuns', () => {
  it('lengthens a run to the count the wide reading found between the same neighbours', () => {
    // "a..b" read at steps 0,2,3,6; the wide reading (twice the steps per column) saw four dots between a and b.
    const first = reading('a..b', [0, 2, 3, 6]);
    const wide = reading('a....b', [0, 4, 5, 7, 9, 12], 4);
    const merged = mergeRuns(first, wide);
    expect(merged.text).toBe('a....b');
    expect(merged.positions.length).toBe(6);
    expect(merged.alternatives.length).toBe(6);
  });

  it('keeps the first reading where the wide one read fewer or other characters', () => {
    expect(mergeRuns(reading('a...b', [0, 2, 3, 4, 6]), reading('a.b', [0, 6, 12], 4)).text).toBe('a...b');
    expect(mergeRuns(reading('1000', [0, 2, 4, 6]), reading('1ooo', [0, 4, 8, 12], 4)).text).toBe('1000');
    expect(mergeRuns(reading('wait', [0, 2, 4, 6]), reading('wwait', [0, 1, 4, 8, 12], 4)).text).toBe('wait');
  });

  it('puts back a run of two or more marks the first reading lost between two characters', () => {
    expect(mergeRuns(reading('等完', [0, 6]), reading('等......完', [0, 3, 4, 5, 6, 7, 8, 12], 4)).text).toBe('等......完');
    expect(mergeRuns(reading('等完', [0, 6]), reading('等.完', [0, 5, 12], 4)).text).toBe('等完');
  });

  it('suspects lines with runs of marks, a leading dash or an unusual gap between CJK characters', () => {
    expect(runSuspect(reading('done..', [0, 1, 2, 3, 4, 5]))).toBe(true);
    expect(runSuspect(reading('ls -all', [0, 1, 2, 3, 4, 5, 6]))).toBe(true);
    expect(runSuspect(reading('done.', [0, 1, 2, 3, 4]))).toBe(false);
    expect(runSuspect(reading('non-string', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe(false);
    expect(runSuspect(reading('hello', [0, 1, 2, 3, 4]))).toBe(false);
    expect(runSuspect(reading('等待完成', [0, 3, 12, 15]))).toBe(true);
    expect(runSuspect(reading('等待完成', [0, 3, 6, 9]))).toBe(false);
  });
});

const RUNS: Record<string, string[]> = {
  '.': ['Loading... done, wait.... ok'],
  '-': ['ls --all --files0-from -- x'],
  '=': ['if a == b then a ==== b'],
  l: ['value is null, all ills'],
  '0': ['total 1000 items, port 8000'],
  '…': ['等待……完成，好。。吗'],
};
const FONTS = ['DejaVu Sans', 'Liberation Sans', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei'];
const SIZES = [11, 13, 16, 20];

describe('recoverRuns on rendered runs', () => {
  let models: OcrModels;
  beforeAll(async () => {
    models = await loadOcrModels({ providers: ['cpu'], threads: 1 });
  });
  afterAll(() => releaseOcrModels(models));

  it('reads runs of . - = l 0 and CJK … at 11–20 px in four fonts with the right count more often, never worse', async () => {
    const errors: Record<string, { before: number; after: number; chars: number }> = {};
    for (const [run, lines] of Object.entries(RUNS)) {
      const crops = [];
      const truths: string[] = [];
      for (const fontSize of SIZES) {
        for (const font of FONTS) {
          for (const line of lines) {
            crops.push(await decodeImage(await renderText({ lines: [line], fontSize, font, padding: 3 })));
            truths.push(line);
          }
        }
      }
      const first = await recogniseCrops(models.rec, crops, models.dict, { batch: 1, padToBase: true });
      const after = await recoverRuns(models.rec, crops, first, models.dict, { batch: 1, padToBase: true });
      // Only the run characters count here: other misreadings (l/I, 0/o) belong to other corrections.
      const only = (s: string): string =>
        Array.from(s.normalize('NFKC'))
          .filter((c) => (run === '…' ? '.。' : run).includes(c))
          .join('');
      const score = (d: DecodedText[]): number => d.reduce((sum, t, i) => sum + cer(only(truths[i]), only(t.text)).edits, 0);
      errors[run] = { before: score(first), after: score(after), chars: truths.reduce((s, t) => s + only(t).length, 0) };
    }
    for (const e of Object.values(errors)) expect(e.after).toBeLessThanOrEqual(e.before);
    const total = (k: 'before' | 'after'): number => Object.values(errors).reduce((s, e) => s + e[k], 0);
    expect(total('after')).toBeLessThan(total('before') * 0.6);
  }, 120_000);
});
