import { describe, expect, it } from 'vitest';
import type { Alternative } from './ctcDecode';
import { correctLookAlikes, correctReading } from './lookAlikes';

/** The line as read with no runners-up at all: only same-shape glyphs and context can change it. */
function plain(text: string): string {
  return correctLookAlikes(
    text,
    Array.from(text, () => 0.9),
    Array.from(text, () => []),
  ).text;
}

/** The line with runners-up at some characters: { index: [[char, prob], ...] }. */
function withAlts(text: string, alts: Record<number, Array<[string, number]>>): { text: string; corrections: number } {
  const alternatives: Alternative[][] = Array.from(text, (_, i) => (alts[i] ?? []).map(([t, p]) => ({ text: t, prob: p })));
  const r = correctLookAlikes(
    text,
    Array.from(text, () => 0.8),
    alternatives,
  );
  return { text: r.text, corrections: r.corrections.length };
}

describe('correctLookAlikes', () => {
  it('leaves real options, paths, versions and codes as read', () => {
    const real = [
      'du --files0-from=F',
      'wc --files0-from=list.txt',
      'find . -print0 | xargs -0 rm',
      '/dev/sda0 /usr/lib/x86_64-linux-gnu/libc.so.6',
      'A4 Win10 0x1F 0xff 20kg 2nd ll Il',
      'node v20.0.0, python3.10, v2.0, ES2020, utf8, sha256, k8s, i18n, l10n',
      'HTTP/2.0 200 OK; error E0001; RFC 7230',
      'value is null; ls -all; ls --all; echo $0; rm -rf tmp0 tmp00',
      'CREATE TABLE t0 (c0 INT); SELECT col0 FROM tbl0',
      'tar {A|c|d|r|t|u|x}',
      'I have 2 items, all null',
      '2010-07-26 total 100.00',
      '中文0英文',
    ];
    for (const line of real) expect(plain(line)).toBe(line);
  });

  it('reads 0 as o/O, 1 as l, and l as I the model saw, where that makes an English word of a non-word', () => {
    expect(plain('Reader 0rder 343783 mem0 node')).toBe('Reader order 343783 memo node');
    expect(plain('0ffice item, 226060r00m')).toBe('Office item, 226060r00m');
    expect(plain('the r00m is BL0CKED')).toBe('the room is BLOCKED');
    expect(withAlts('Coffee lmage gate', { 7: [['I', 0.1]] }).text).toBe('Coffee Image gate');
    expect(plain('Coffee lmage gate')).toBe('Coffee lmage gate');
    // camelCase names of words: "setImmediate" is valid as written, "setlmmediate" is not.
    expect(withAlts('Remove setlmmediate check', { 10: [['I', 0.05]] }).text).toBe('Remove setImmediate check');
    expect(plain('Fix isValid and deepEqual')).toBe('Fix isValid and deepEqual');
    expect(withAlts('forwater', { 3: [['W', 0.2]] }).text).toBe('forwater');
    // An l inside a name, where an I makes it a camelCase name of words.
    expect(plain('call setlmmediate now')).toBe('call setImmediate now');
    expect(plain('the travelmate')).toBe('the travelmate');
    expect(plain('value is nu11, a11 done')).toBe('value is null, all done');
  });

  it('reads look-alikes among digits as digits', () => {
    expect(plain('south 921l.00 and l5 and 2I0')).toBe('south 9211.00 and l5 and 210');
    expect(withAlts('total 2061.Oo', { 11: [['0', 0.3]], 12: [['0', 0.2]] }).text).toBe('total 2061.00');
    // Without the model seeing a 0 there, an O stays.
    expect(withAlts('total 2061.Oo', {}).text).toBe('total 2061.Oo');
  });

  it('reads l for I in a command that options follow', () => {
    expect(plain('Is --all')).toBe('ls --all');
    expect(plain('$ Is -la /tmp')).toBe('$ ls -la /tmp');
    expect(plain('Is it done?')).toBe('Is it done?');
  });

  it('chooses only among runners-up the model gave, in the same look-alike group', () => {
    // "aCtion": the model's runner-up c makes a word.
    expect(withAlts('the aCtion', { 5: [['c', 0.2]] })).toEqual({ text: 'the action', corrections: 1 });
    // A runner-up outside the look-alike group, or too unlikely, is no evidence.
    expect(withAlts('the aXtion', { 5: [['c', 0.4]] }).text).toBe('the aXtion');
    expect(withAlts('the aCtion', { 5: [['c', 0.001]] }).text).toBe('the aCtion');
  });

  it('matches brackets by the runner-up of the odd one', () => {
    expect(withAlts('tar {A|c|d]', { 10: [['}', 0.3]] }).text).toBe('tar {A|c|d}');
    expect(withAlts('f(a, b}', { 6: [[')', 0.2]] }).text).toBe('f(a, b)');
    expect(withAlts('f(a, b}', {}).text).toBe('f(a, b}');
    // With a bracket missing, the pairs cannot be told: nothing changes.
    expect(withAlts('config({appName: 1);', { 7: [['(', 0.2]] }).text).toBe('config({appName: 1);');
  });

  it('reads code marks the model also saw: ${ placeholders, {0}, backquotes', () => {
    expect(withAlts('got S{received}', { 4: [['$', 0.1]] }).text).toBe('got ${received}');
    expect(withAlts('field "{O}" and [o]', { 8: [['0', 0.2]], 17: [['0', 0.1]] }).text).toBe('field "{0}" and [0]');
    expect(withAlts('run ^npm test^', { 4: [['`', 0.2]], 13: [['`', 0.3]] }).text).toBe('run `npm test`');
    expect(withAlts('l/=> true', { 0: [['/', 0.2]] }).text).toBe('//=> true');
    // Backquotes read as one of their looks, hugging a word: ^ ~ ′ as such, * only where the model also saw one.
    expect(plain('Remove ^setImmediate^ support')).toBe('Remove `setImmediate` support');
    expect(plain('return ~无效数字′;')).toBe('return `无效数字`;');
    expect(withAlts('Updated ^engines* field', { 16: [['^', 0.18]] }).text).toBe('Updated `engines` field');
    expect(plain('表格结构识别丨TableService丨')).toBe('表格结构识别|TableService|');
    expect(plain('中国丨人民')).toBe('中国丨人民');
    for (const line of ['"react": "^18.2.0", "vue": "~3.4.0"', 'cd ~/src', 'x ~ y, 2^10, a^b', '* Keep *all* items', '**InternSet**']) {
      expect(plain(line)).toBe(line);
    }
    expect(withAlts('see I/O', { 4: [['/', 0.2]] }).text).toBe('see I/O');
    // Without the runner-up, or before a version, as read.
    expect(withAlts('got S{received} {O}', {}).text).toBe('got S{received} {O}');
    expect(withAlts('"react": "^18.2.0"', { 10: [['`', 0.2]] }).text).toBe('"react": "^18.2.0"');
  });

  it('puts back a backquote the model saw as a runner-up in a gap, next to the closer neighbour', () => {
    const text = 'Remove setImmediate support';
    const positions = Array.from(text, (_, i) => i * 2);
    const decoded = {
      text,
      confidence: 0.9,
      positions,
      columnsPerStep: 8,
      spaceBefore: positions.map(() => 0),
      prob: positions.map(() => 0.9),
      alternatives: positions.map(() => []),
      held: positions.map(() => 1),
      // Before "s" (index 7, step 14), closer to it; after "e" (index 18, step 36) a "~" look, closer to it; one too faint.
      unread: [
        { text: '`', prob: 0.2, before: 7, step: 13 },
        { text: '~', prob: 0.25, before: 19, step: 37 },
        { text: '`', prob: 0.05, before: 20, step: 39 },
      ],
    };
    const r = correctReading(text, decoded);
    expect(r.text).toBe('Remove `setImmediate` support');
    expect(r.corrections.filter((c) => c.from === '')).toEqual([
      { at: 7, from: '', to: '`' },
      { at: 20, from: '', to: '`' },
    ]);
    // Not where no code quote can sit: between two letters of a word.
    const inWord = correctReading(text, { ...decoded, unread: [{ text: '`', prob: 0.3, before: 10, step: 19 }] });
    expect(inWord.text).toBe(text);
  });

  it('puts in the backquotes the crop shows and replaces what was read in their place', () => {
    const text = 'return^无效数字;';
    const positions = Array.from(text, (_, i) => i * 2);
    const decoded = {
      text,
      confidence: 0.9,
      positions,
      columnsPerStep: 8,
      spaceBefore: positions.map(() => 0),
      prob: positions.map(() => 0.9),
      alternatives: positions.map(() => []),
      held: positions.map(() => 1),
      unread: [],
    };
    // "^" (index 6) is a backquote in the image, and one more sits before ";" (index 11) that nothing was read for.
    const r = correctReading(text, decoded, { replace: [{ at: 6, to: '`' }], insert: [{ text: '`', before: 11, step: 21 }] });
    expect(r.text).toBe('return`无效数字`;');
    expect(r.corrections).toEqual([
      { at: 6, from: '^', to: '`' },
      { at: 11, from: '', to: '`' },
    ]);
  });

  it('reads "$[name]" as a placeholder only where the model also saw both braces', () => {
    const line = 'return `无效输入：期望 $[expected]，实际接收 $[received]`;';
    const at = (ch: string, from = 0): number => line.indexOf(ch, from);
    expect(withAlts(line, { [at('[')]: [['{', 0.15]], [at(']')]: [['}', 0.35]] }).text).toBe(
      'return `无效输入：期望 ${expected}，实际接收 $[received]`;',
    );
    // JSONPath and arrays stay as read without the model's braces.
    for (const real of ['$[0].name', 'echo $[1+2]', 'jq "$[expected]"']) expect(plain(real)).toBe(real);
    expect(withAlts('$[0].name', { 1: [['{', 0.2]] }).text).toBe('$[0].name');
  });

  it('makes a mixed pair of double quotes straight or curly, as the runners-up allow', () => {
    expect(withAlts('"if” 语句的正文不能为空语句。', { 3: [['"', 0.35]] }).text).toBe('"if" 语句的正文不能为空语句。');
    expect(withAlts('"resolution-mode” 应为“require”或“import”。', { 0: [['“', 0.32]] }).text).toBe(
      '“resolution-mode” 应为“require”或“import”。',
    );
    // Without a runner-up of the other style, or with matching pairs, as read.
    expect(withAlts('"if” 语句', {}).text).toBe('"if” 语句');
    for (const real of ['say "hi" and “bye”', '设置了 "rootDirs" 选项，模块名称“{0}”。', 'a "b" c "d']) expect(plain(real)).toBe(real);
  });

  it('reports each correction with what was read', () => {
    const r = correctLookAlikes('mem0', [0.9, 0.9, 0.9, 0.6], [[], [], [], []]);
    expect(r.corrections).toEqual([{ at: 3, from: '0', to: 'o' }]);
  });
});
