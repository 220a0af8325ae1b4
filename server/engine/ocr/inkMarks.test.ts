// Marks found in the crop, on rendered lines of real text (package READMEs, TypeScript's and zod's Chinese
// messages) at 12–18 px in five fonts: the reading with the crop's marks gets the backquotes right far more
// often and loses fewer commas after closing quotes and underscores; lines with quotes, apostrophes, accents
// and dotted CJK glyphs gain no backquote, serif feet no underscore.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../testkit/renderText';
import { cer } from '../../testkit/cer';
import { decodeImage, type RgbImage } from '../image';
import type { DecodedText } from './ctcDecode';
import { correctReading } from './lookAlikes';
import { loadOcrModels, releaseOcrModels, type OcrModels } from './pipeline';
import { findInkMarks, placeMarks } from './inkMarks';
import { recogniseCrops } from './recogniser';
import { restoreWordSpaces } from './wordGaps';

const QUOTED = [
  'To update the build, run `npm run build`.',
  'Default: `process.argv`',
  '- `pipe()` method',
  'return `无效数字：必须是 ${issue.divisor} 的倍数`;',
  '下面的例子假设你的应用已经把图片解码成 `{ width, height, data }`，其中',
];
const UNQUOTED = [
  "console.log('pipe finished', err)",
  '"if" 语句的正文不能为空语句。',
  '设置了 "rootDirs" 选项，可将其用于解析相对模块名称“{0}”。',
  "Don't rely on it; it's 10° and naïve café résumé",
  '文主为门间之义，字段“{1}”',
];
/** zod's Chinese messages: the comma after a closing quote at a line's end is often lost. */
const LISTED = ['datetime: "ISO日期时间",', 'base64: "base64编码字符串",', 'email: "电子邮件",', 'emoji: "表情符号",'];
/** Underscores in names and placeholders; lines of serif capitals and feet that must gain none. */
const UNDERSCORED = [
  'return `无效字符串：必须以 "${_issue.prefix}" 开头`;',
  'json_string: "JSON字符串",',
  '"COLOR_BGRA2BGR555",',
  '{ _: [], a: 1 }',
];
const FOOTED = [
  'MIT License',
  'DISCLAIMED. IN NO EVENT SHALL THE AUTHORS BE LIABLE',
  'furnished to do so, subject to the following conditions:',
];
const FONTS = ['DejaVu Sans', 'Liberation Sans', 'DejaVu Sans Mono', 'Liberation Serif', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei'];
const SIZES = [12, 14, 18];

describe('marks from the crop', () => {
  let models: OcrModels;
  beforeAll(async () => {
    models = await loadOcrModels({ providers: ['cpu'], threads: 1 });
  });
  afterAll(() => releaseOcrModels(models));

  async function read(lines: string[]): Promise<Array<{ truth: string; without: string; with: string }>> {
    const crops: RgbImage[] = [];
    const truths: string[] = [];
    for (const fontSize of SIZES) {
      for (const font of FONTS) {
        for (const line of lines) {
          crops.push(await decodeImage(await renderText({ lines: [line], fontSize, font, padding: 3 })));
          truths.push(line);
        }
      }
    }
    const decoded: DecodedText[] = await recogniseCrops(models.rec, crops, models.dict, { batch: 1, padToBase: true });
    return decoded.map((t, i) => {
      const spaced = restoreWordSpaces(crops[i], t);
      return {
        truth: truths[i],
        without: correctReading(spaced, t).text,
        with: correctReading(spaced, t, placeMarks(findInkMarks(crops[i]), t)).text,
      };
    });
  }

  const backquotes = (s: string): string => Array.from(s, (c) => (c === '`' ? c : '')).join('');
  const underscores = (s: string): string => Array.from(s, (c) => (c === '_' ? c : '')).join('');
  const commas = (s: string): string => Array.from(s.normalize('NFKC'), (c) => (c === ',' ? c : '')).join('');

  it('puts back backquotes the recogniser lost or misread, in lines of code and Chinese messages', async () => {
    const lines = await read(QUOTED);
    const errors = (k: 'with' | 'without'): number => lines.reduce((s, l) => s + cer(backquotes(l.truth), backquotes(l[k])).edits, 0);
    const all = lines.reduce((s, l) => s + backquotes(l.truth).length, 0);
    expect(errors('with')).toBeLessThan(errors('without') * 0.5);
    expect(errors('with')).toBeLessThan(all * 0.15);
    // The rest of each line is no worse.
    const rest = (k: 'with' | 'without'): number =>
      lines.reduce((s, l) => s + cer(l.truth.replace(/`/g, ''), l[k].replace(/`/g, '')).edits, 0);
    expect(rest('with')).toBeLessThanOrEqual(rest('without'));
  }, 180_000);

  it('adds no backquote to quotes, apostrophes, accents and the dots of CJK glyphs', async () => {
    for (const l of await read(UNQUOTED)) expect(backquotes(l.with)).toBe(backquotes(l.without));
  }, 180_000);

  it('puts back commas lost after closing quotes, never more than the line holds', async () => {
    const lines = await read(LISTED);
    const errors = (k: 'with' | 'without'): number => lines.reduce((s, l) => s + cer(commas(l.truth), commas(l[k])).edits, 0);
    expect(errors('with')).toBeLessThan(errors('without'));
    for (const l of lines) expect(commas(l.with).length).toBeLessThanOrEqual(commas(l.truth).length);
    const rest = (k: 'with' | 'without'): number =>
      lines.reduce((s, l) => s + cer(l.truth.normalize('NFKC').replace(/,/g, ''), l[k].normalize('NFKC').replace(/,/g, '')).edits, 0);
    expect(rest('with')).toBeLessThanOrEqual(rest('without'));
  }, 180_000);

  it('puts back underscores drawn below the baseline, and none under serifs or the foot of an L', async () => {
    const lines = await read(UNDERSCORED);
    const errors = (k: 'with' | 'without'): number => lines.reduce((s, l) => s + cer(underscores(l.truth), underscores(l[k])).edits, 0);
    expect(errors('with')).toBeLessThan(errors('without'));
    for (const l of await read(FOOTED)) expect(underscores(l.with)).toBe('');
  }, 180_000);

  it('settles the case of a letter the model hesitated over by its height', async () => {
    for (const font of ['DejaVu Sans', 'Liberation Serif']) {
      const crop = await decodeImage(await renderText({ lines: ['- Allow HSTS to have a max-age of 0'], fontSize: 16, font, padding: 3 }));
      const [read] = await recogniseCrops(models.rec, [crop], models.dict, { batch: 1, padToBase: true });
      expect(read.text.replace(/ /g, '')).toBe('-AllowHSTStohaveamax-ageof0');
      const at = (ch: string): number => read.text.indexOf(ch);
      // The model torn between the cases: "HsTS" with S as runner-up, "Of" with o, and an S read right with s.
      const torn = (i: number, as: string, other: string): DecodedText => ({
        ...read,
        text: read.text.slice(0, i) + as + read.text.slice(i + 1),
        alternatives: read.alternatives.map((a, k) => (k === i ? [{ text: other, prob: 0.45 }] : a)),
      });
      const marks = findInkMarks(crop);
      const s = at('STS');
      expect(placeMarks(marks, torn(s, 's', 'S')).replace).toEqual([{ at: s, to: 'S' }]);
      const o = read.text.lastIndexOf('o');
      expect(placeMarks(marks, torn(o, 'O', 'o')).replace).toEqual([{ at: o, to: 'o' }]);
      expect(placeMarks(marks, torn(s, 'S', 's')).replace).toEqual([]);
    }
  }, 60_000);
});
