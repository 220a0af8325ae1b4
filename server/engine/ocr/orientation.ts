// Page orientation: whether a page lies on its side (turned 90° either way), from its own evidence. Text
// lines that run down the page (tall boxes holding most of the text) raise the question; a trial on the
// largest of them, read both ways, answers it by recognition confidence, with the direction classifier's
// votes deciding when confidence cannot. Upside-down pages are settled line by line in pipeline.ts.
import type { OcrSession } from './pipeline';
import type { Quad } from '../../contract/ocr';
import type { RgbImage } from '../image';
import { classifyDirections } from './classifier';
import { cropQuad, rotate180, rotate90ccw } from './crop';
import { distance } from './geometry';
import { recogniseCrops } from './recogniser';

/** A box this many times taller than wide holds text running down the page. */
const TALL = 1.5;
/** Lines tried both ways; enough to outvote a stray box, few enough to stay cheap. */
const TRIAL_LINES = 5;
/** Mean confidences closer than this do not decide; the classifier's votes do. */
const CONFIDENCE_MARGIN = 0.05;

export interface SideTurnModels {
  /** The direction classifier, loaded when first asked for. */
  cls: () => Promise<OcrSession>;
  rec: OcrSession;
  dict: string[];
}

/**
 * The clockwise turn (0, 90 or 270) that stands a page on its feet when its text runs down it; 0 when most
 * of its text (by area) already runs across.
 */
export async function sideTurn(models: SideTurnModels, img: RgbImage, boxes: readonly Quad[], recBatch: number): Promise<0 | 90 | 270> {
  let across = 0;
  const down: { box: Quad; area: number }[] = [];
  for (const box of boxes) {
    const w = distance(box[0], box[1]);
    const h = distance(box[0], box[3]);
    if (h >= TALL * w) down.push({ box, area: w * h });
    else across += w * h;
  }
  const downArea = down.reduce((s, d) => s + d.area, 0);
  if (!down.length || downArea <= across) return 0;
  const trial = down.sort((a, b) => b.area - a.area).slice(0, TRIAL_LINES);
  // Text running down a page turned clockwise reads after a counter-clockwise turn of the crop, and the
  // other way round; the two readings are 180° apart.
  const ccw = trial.map((d) => rotate90ccw(cropQuad(img, d.box)));
  const cw = ccw.map(rotate180);
  const read = await recogniseCrops(models.rec, [...ccw, ...cw], models.dict, { batch: recBatch });
  const weight = (i: number): number => Math.max(1, read[i].text.length);
  let ccwScore = 0;
  let cwScore = 0;
  let total = 0;
  trial.forEach((_, i) => {
    ccwScore += read[i].confidence * weight(i);
    cwScore += read[trial.length + i].confidence * weight(trial.length + i);
    total += (weight(i) + weight(trial.length + i)) / 2;
  });
  const margin = (ccwScore - cwScore) / total;
  let ccwWins = margin > 0;
  if (Math.abs(margin) < CONFIDENCE_MARGIN) {
    const votes = await classifyDirections(await models.cls(), ccw);
    ccwWins = votes.filter((v) => !v.upsideDown).length * 2 >= votes.length;
  }
  // A counter-clockwise turn of the text is a 270° clockwise turn of the page.
  return ccwWins ? 270 : 90;
}

/** The image turned clockwise by 90 or 270 degrees. */
export function turnImage(img: RgbImage, turn: 90 | 270): RgbImage {
  const ccw = rotate90ccw(img);
  return turn === 270 ? ccw : rotate180(ccw);
}
