import { describe, expect, it } from 'vitest';
import type { OcrLine, Quad } from '../../contract/ocr';
import { parseImageOptions, UmiOptionError } from './options';
import { umiText, umiTextBlocks } from './textBlocks';

function line(text: string, x: number, y: number, w: number, h = 20): OcrLine {
  const box: Quad = [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ];
  return { text, confidence: 0.98, box };
}

// Two columns: the layout's reading order is the left column (two paragraphs), then the right one.
const page = {
  lines: [
    line('The node keeps every', 10, 10, 200),
    line('result in its store.', 10, 40, 190),
    line('Backups are online.', 10, 100, 190),
    line('左栏之后是', 300, 10, 100),
    line('右栏的文字。', 300, 40, 120),
  ],
  blocks: [{ lines: [0, 1] }, { lines: [2] }, { lines: [3, 4] }],
};

describe('Umi text blocks', () => {
  it('ends lines by paragraph in multi_para: a space inside English, nothing inside Chinese, a newline at the end', () => {
    const blocks = umiTextBlocks(page, 'multi_para', []);
    expect(blocks.map((b) => b.end)).toEqual([' ', '\n', '\n', '', '\n']);
    expect(umiText(blocks)).toBe('The node keeps every result in its store.\nBackups are online.\n左栏之后是右栏的文字。\n');
  });

  it('reads one column top to bottom in single_line, every line its own', () => {
    const blocks = umiTextBlocks(page, 'single_line', []);
    expect(blocks.map((b) => b.text)).toEqual([
      'The node keeps every',
      '左栏之后是',
      'result in its store.',
      '右栏的文字。',
      'Backups are online.',
    ]);
    expect(blocks.every((b) => b.end === '\n')).toBe(true);
  });

  it('joins everything in multi_none and ends with one newline', () => {
    expect(umiText(umiTextBlocks(page, 'multi_none', []))).toBe(
      'The node keeps every result in its store. Backups are online.左栏之后是右栏的文字。\n',
    );
  });

  it('keeps indentation in single_code', () => {
    const code = { lines: [line('if (ok) {', 10, 10, 90), line('run();', 50, 40, 60), line('}', 10, 70, 10)] };
    expect(umiText(umiTextBlocks(code, 'single_code', []))).toBe('if (ok) {\n    run();\n}\n');
  });

  it('drops blocks lying wholly inside an ignore area and keeps those only partly inside', () => {
    const blocks = umiTextBlocks(page, 'multi_line', [
      [
        [0, 0],
        [250, 70],
      ],
      [
        [290, 30],
        [350, 70],
      ],
    ]);
    expect(blocks.map((b) => b.text)).toEqual(['Backups are online.', '左栏之后是', '右栏的文字。']);
  });

  it('gives boxes in whole pixels, clockwise from top left', () => {
    const [b] = umiTextBlocks({ lines: [line('x', 1.4, 2.6, 10.2)] }, 'none', []);
    expect(b.box).toEqual([
      [1, 3],
      [12, 3],
      [12, 23],
      [1, 23],
    ]);
  });
});

describe('Umi options', () => {
  it('fills defaults and ignores other engines’ options', () => {
    expect(parseImageOptions({ 'ocr.language': 'models/config_en.txt', 'ocr.maxSideLen': 1024, 'ocr.angle': true })).toEqual({
      parser: 'multi_para',
      ignoreAreas: [],
      format: 'dict',
      limitSide: undefined,
    });
  });

  it('reads the side limit, capping "no limit"', () => {
    expect(parseImageOptions({ 'ocr.limit_side_len': 2880 }).limitSide).toBe(2880);
    expect(parseImageOptions({ 'ocr.limit_side_len': 999999 }).limitSide).toBe(4320);
  });

  it.each([
    [{ 'tbpu.parser': 'multi' }, /tbpu.parser must be one of/],
    [{ 'data.format': 'xml' }, /data.format/],
    [{ 'tbpu.ignoreArea': [[0, 0, 10, 10]] }, /tbpu.ignoreArea/],
    [{ 'ocr.cls': 'yes' }, /ocr.cls/],
    [[], /dictionary/],
  ])('refuses %j with a message naming the option', (options, message) => {
    expect(() => parseImageOptions(options)).toThrow(UmiOptionError);
    expect(() => parseImageOptions(options)).toThrow(message);
  });
});
