// Word spaces after "#": a Markdown heading or a shell comment keeps the space the recogniser dropped ("## Usage",
// not "##Usage"), while a number, a tag or a directive stays joined to its "#": the crop's ink gap decides, in
// proportional, monospaced, serif and CJK fonts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../testkit/renderText';
import { loadOcrModels, releaseOcrModels, runOcr, type OcrModels } from './pipeline';

const LINES = ['## Usage', '# Install', '### Added', '#1 priority', 'See issue #42 for details', '#include <stdio.h>', 'C# and F#'];
const FONTS = ['DejaVu Sans', 'DejaVu Sans Mono', 'Liberation Serif', 'Noto Sans CJK SC'];

/** For each "#" in the text, whether a space follows it. */
const afterHashes = (text: string): boolean[] => Array.from(text.matchAll(/#(.?)/g), (m) => m[1] === ' ');

describe('word spaces after "#"', () => {
  let models: OcrModels;
  beforeAll(async () => {
    models = await loadOcrModels({ providers: ['cpu'], threads: 1 });
  });
  afterAll(() => releaseOcrModels(models));

  it('keeps the space of a heading or comment and adds none to numbers, tags and directives', async () => {
    let headings = 0;
    const headingsKept: string[] = [];
    const added: string[] = [];
    for (const font of FONTS) {
      for (const fontSize of [16, 24]) {
        const result = await runOcr(models, await renderText({ lines: LINES, font, fontSize }));
        expect(result.lines).toHaveLength(LINES.length);
        result.lines.forEach((line, i) => {
          const truth = afterHashes(LINES[i]);
          const read = afterHashes(line.text);
          if (truth.some(Boolean)) {
            headings++;
            if (JSON.stringify(read) === JSON.stringify(truth)) headingsKept.push(line.text);
          } else if (read.some(Boolean)) added.push(`${font} ${fontSize}px: ${line.text}`);
        });
      }
    }
    // Never a space the line does not have; a heading's space kept nearly always (a font with a narrow word
    // space, Noto Sans CJK's 0.22 em, can leave a gap below the threshold: before this, 15 of 24 were kept).
    expect(added).toEqual([]);
    expect(headingsKept.length).toBeGreaterThanOrEqual(0.9 * headings);
  }, 120_000);
});
