// The whole OCR for one image, run inside an engine worker: decode → detect → crop → direction → recognise
// (lines with runs of equal glyphs read again wider) → reading order. Holds the three sessions of one worker;
// nothing here touches the main thread.
import type * as ort from 'onnxruntime-node';
import type { LayoutMode, OcrResult, Quad, Rotation } from '../../contract/ocr';
import { decodeImage, type RgbImage } from '../image';
import { FUSE_VERSION, fuseForInference } from '../onnx/fuse';
import { OnnxGraph } from '../onnx/graph';
import { readFile } from 'node:fs/promises';
import { createCachedSession, readAheadSessions, type RewrittenModel } from '../onnx/modelCache';
import { firstInstalledProvider, type LoadedSession } from '../session';
import { classifyDirections } from './classifier';
import { cropTextLine, rotate180 } from './crop';
import { loadDictionary } from './ctcDecode';
import { readAheadWordIndex } from './lexicon';
import { addCtcHead, CTC_HEAD_VERSION } from './ctcHead';
import { int8Recipe, quantizeModel } from './int8';
import { DETECT_DEFAULTS, detectText, type DetectOptions } from './detector';
import { ocrModelFiles, type OcrModelFiles } from './modelFiles';
import { layoutPage, type Fragment } from './layout';
import { median } from './layout/items';
import { findRules, sideBySide } from './rules';
import { pageSlant, unturnPoint } from './layout/frame';
import { sideTurn, turnImage } from './orientation';
import { recogniseCrops } from './recogniser';
import { recoverRuns } from './repeatRuns';
import { correctReading } from './lookAlikes';
import { findInkMarks, placeMarks } from './inkMarks';
import { restoreWordSpaces } from './wordGaps';

/** What the OCR steps need of a session: a local ONNX Runtime session, or the GPU thread's (gpu/remoteSession.ts). */
export interface OcrSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: ort.InferenceSession.FeedsType): Promise<ort.InferenceSession.ReturnType>;
  release(): Promise<void>;
}

export interface OcrModels {
  det: OcrSession;
  /** The direction classifier, loaded on first use (an image without text lines never needs it). */
  cls(): Promise<OcrSession>;
  rec: OcrSession;
  dict: string[];
  /** Providers the detection and recognition sessions run on. */
  providers: string[];
}

export interface OcrOptions {
  detect: DetectOptions;
  /** The classifier must be this sure before a line is turned by 180°. */
  clsThreshold: number;
  /** Lines recognised with lower confidence are dropped (PaddleOCR's drop_score). */
  dropScore: number;
  /**
   * Crops per recognition run; 0 = by provider. On this 2-core CPU one crop at a time costs 0.28–0.32 CPU s
   * per image against 0.46 for batches of 6 grouped by width (bench/recBatch.ts), while GPUs gain from batches.
   */
  recBatch: number;
  /** Pad recognition inputs to the trained 320 px width. */
  recPad: boolean;
  /** Choose between look-alike glyphs by the recogniser's runners-up and context (lookAlikes.ts), and put back the backquotes the crop shows (inkMarks.ts). */
  lookAlikes: boolean;
  /** How fragments become lines, blocks and reading order (layout/index.ts). */
  layout: LayoutMode;
}

export const OCR_DEFAULTS: OcrOptions = {
  detect: DETECT_DEFAULTS,
  clsThreshold: 0.9,
  dropScore: 0.5,
  recBatch: 0,
  recPad: true,
  lookAlikes: true,
  layout: 'auto',
};

export interface LoadOptions {
  providers: readonly string[];
  threads: number;
  /** Folder where rewritten and optimised graphs are kept between starts (onnx/modelCache.ts); absent = none. */
  cacheDir?: string;
  /** Names this worker in start-up timings. */
  label?: string;
  /** Only the given providers, no cpu fallback (the GPU's session thread, measuring a provider). */
  strict?: boolean;
}

/** Recognition widths on a GPU come in steps of this many pixels, so inputs of many requests share a shape. */
const GPU_WIDTH_STEP = 32;

/**
 * The three models as the engine runs them: each graph rewritten for inference (onnx/fuse.ts), the recogniser
 * also with its CTC head, and on the CPU the detector's and recogniser's heaviest convolutions in 8 bits (int8.ts).
 */
function rewrittenModels(files: OcrModelFiles, classes: number, int8: boolean): Record<'det' | 'cls' | 'rec', RewrittenModel> {
  const rewrite =
    (finish?: (g: OnnxGraph, source: Uint8Array) => void) =>
    (bytes: Uint8Array): Uint8Array => {
      const g = new OnnxGraph(bytes);
      fuseForInference(g);
      finish?.(g, bytes);
      return g.serialize();
    };
  const fused = `fuse@${FUSE_VERSION}`;
  const ctc = `ctc@${CTC_HEAD_VERSION}/${classes}`;
  return {
    det: {
      source: files.det,
      recipe: int8 ? `${fused}+${int8Recipe('det')}` : fused,
      rewrite: rewrite(int8 ? (g, source) => quantizeModel('det', g, source) : undefined),
    },
    cls: { source: files.cls, recipe: fused, rewrite: rewrite() },
    rec: {
      source: files.rec,
      recipe: int8 ? `${fused}+${int8Recipe('rec')}+${ctc}` : `${fused}+${ctc}`,
      rewrite: rewrite((g, source) => {
        if (int8) quantizeModel('rec', g, source);
        addCtcHead(g, classes);
      }),
    },
  };
}

/**
 * Loads the detection and recognition sessions one after the other (cached graphs where there are); the
 * direction classifier loads on first use. An abort between two sessions releases what was loaded.
 */
export async function loadOcrModels(opts: LoadOptions, signal?: AbortSignal): Promise<OcrModels> {
  const files = ocrModelFiles();
  const dict = loadDictionary(files.dict);
  const models = rewrittenModels(files, dict.length, firstInstalledProvider(opts.providers) === 'cpu');
  // The signal calls off the start only; the classifier loads later, inside a task that is let finish.
  const load = (name: 'det' | 'cls' | 'rec', during?: AbortSignal): Promise<LoadedSession> =>
    createCachedSession(models[name], { ...opts, label: `${opts.label ?? 'engine'} ${name}`, signal: during });
  const loaded: LoadedSession[] = [];
  try {
    for (const name of ['det', 'rec'] as const) {
      signal?.throwIfAborted();
      loaded.push(await load(name, signal));
    }
  } catch (err) {
    await Promise.all(loaded.map((l) => l.session.release()));
    throw err;
  }
  const [det, rec] = loaded;
  let cls: Promise<ort.InferenceSession> | undefined;
  return {
    det: det.session,
    rec: rec.session,
    cls: () =>
      (cls ??= load('cls').then(
        (l) => l.session,
        (err: unknown) => {
          cls = undefined;
          throw err;
        },
      )),
    dict,
    providers: [det.provider, rec.provider],
  };
}

/** Starts reading what loadOcrModels and the word table will read from `cacheDir` (a worker waiting for its start). */
export async function readAheadOcrModels(cacheDir: string): Promise<void> {
  const files = ocrModelFiles();
  await Promise.all([readAheadSessions(cacheDir, [files.det, files.rec]), readAheadWordIndex(cacheDir)]);
}

/** The three graphs as rewritten for inference (det, cls, rec), each read when called: an abort in between skips the rest. */
export function ocrGraphs(dictSize: number): (() => Promise<Uint8Array>)[] {
  const files = ocrModelFiles();
  const graph = async (file: string, finish?: (g: OnnxGraph) => void): Promise<Uint8Array> => {
    const g = new OnnxGraph(await readFile(file));
    fuseForInference(g);
    finish?.(g);
    return g.serialize();
  };
  return [() => graph(files.det), () => graph(files.cls), () => graph(files.rec, (g) => addCtcHead(g, dictSize))];
}

export async function releaseOcrModels(models: OcrModels): Promise<void> {
  await Promise.all([models.det.release(), models.rec.release(), models.cls().then((s) => s.release())]);
}

/** The image being read in this thread: runs are one at a time, as the reused input buffers (scratch.ts) need. */
let current: Promise<unknown> = Promise.resolve();

export function runOcr(models: OcrModels, bytes: Uint8Array, opts: OcrOptions = OCR_DEFAULTS): Promise<OcrResult> {
  return runOcrImage(models, async () => decodeImage(bytes), opts);
}

/** The same for pixels already decoded (a rendered PDF page); `image` is called when the run's turn comes. */
export function runOcrImage(models: OcrModels, image: () => Promise<RgbImage>, opts: OcrOptions = OCR_DEFAULTS): Promise<OcrResult> {
  const run = current.then(async () => readImage(models, await image(), opts, performance.now()));
  current = run.catch(() => undefined);
  return run;
}

async function readImage(models: OcrModels, original: RgbImage, opts: OcrOptions, started: number): Promise<OcrResult> {
  const onCpu = models.providers[1] === 'cpu';
  const recBatch = opts.recBatch || (onCpu ? 1 : 8);
  const widthStep = onCpu ? 1 : GPU_WIDTH_STEP;
  let img = original;
  let boxes = await detectText(models.det, img, opts.detect);
  // A page on its side is turned upright and detected again; its boxes go back to the original's pixels.
  const turn = await sideTurn(
    models,
    img,
    boxes.map((b) => b.box),
    recBatch,
  );
  if (turn) {
    img = turnImage(original, turn);
    boxes = await detectText(models.det, img, opts.detect);
  }
  const toOriginal = (q: Quad): Quad => (turn ? (q.map((p) => unturnPoint(p, turn, original.width, original.height)) as Quad) : q);
  const crops = boxes.map((b) => cropTextLine(img, b.box));
  const directions = crops.length ? await classifyDirections(await models.cls(), crops) : [];
  // The small direction classifier misreads some upright lines as turned, confidently. So a line it calls
  // upside down is recognised both ways and the reading the recogniser is surer of wins.
  const suspects = directions.flatMap((d, i) => (d.upsideDown && d.score > opts.clsThreshold ? [i] : []));
  const recognised = await recogniseCrops(models.rec, [...crops, ...suspects.map((i) => rotate180(crops[i]))], models.dict, {
    batch: recBatch,
    padToBase: opts.recPad,
    widthStep,
  });
  const texts = recognised.slice(0, crops.length);
  const turned = new Array<boolean>(crops.length).fill(false);
  const readFrom = [...crops];
  suspects.forEach((i, k) => {
    const alt = recognised[crops.length + k];
    if (alt.confidence > texts[i].confidence) {
      texts[i] = alt;
      readFrom[i] = rotate180(crops[i]);
      turned[i] = true;
    }
  });
  // A page is upside down when most of its text (by width) read better turned; its lines then run from the
  // bottom-right corner.
  let down = 0;
  let total = 0;
  crops.forEach((c, i) => {
    total += c.width;
    if (turned[i]) down += c.width;
  });
  const pageUpsideDown = total > 0 && down > total / 2;
  if (pageUpsideDown) {
    // On a turned page, lines the classifier was unsure about are most likely turned as well.
    const rest = crops.flatMap((_, i) => (turned[i] ? [] : [i]));
    const again = await recogniseCrops(
      models.rec,
      rest.map((i) => rotate180(crops[i])),
      models.dict,
      { batch: recBatch, padToBase: opts.recPad, widthStep },
    );
    rest.forEach((i, k) => {
      if (again[k].confidence > texts[i].confidence) {
        texts[i] = again[k];
        readFrom[i] = rotate180(crops[i]);
      }
    });
  }
  const read = await recoverRuns(models.rec, readFrom, texts, models.dict, { batch: recBatch, padToBase: opts.recPad });
  const fragments: Fragment[] = [];
  // Corrected readings and the readings before them, to give lines made of one corrected fragment their `raw`.
  const rawOf = new Map<string, string>();
  read.forEach((t, i) => {
    if (t.confidence < opts.dropScore || !t.text.trim()) return;
    const spaced = restoreWordSpaces(readFrom[i], t);
    const corrected = opts.lookAlikes ? correctReading(spaced, t, placeMarks(findInkMarks(readFrom[i]), t)) : undefined;
    // A space the recogniser read at either end of a crop is margin, not text.
    const text = (corrected?.corrections.length ? corrected.text : spaced).trim();
    if (text !== spaced.trim()) rawOf.set(text, spaced.trim());
    fragments.push({ text, confidence: Math.round(t.confidence * 1e4) / 1e4, box: toOriginal(boxes[i].box) });
  });
  const rotation = ((turn + (pageUpsideDown ? 180 : 0)) % 360) as Rotation;
  // Ruling lines, for tables, on a page whose text sits side by side somewhere.
  const textHeight = median(fragments.map(({ box: [tl, , , bl] }) => Math.hypot(tl[0] - bl[0], tl[1] - bl[1])));
  const rules =
    opts.layout !== 'lines' && sideBySide(fragments.map((f) => f.box))
      ? findRules(
          original,
          textHeight,
          Math.tan(
            pageSlant(
              fragments.map((f) => f.box),
              rotation,
              original.width,
              original.height,
            ),
          ),
        )
      : undefined;
  const laid = layoutPage(fragments, { mode: opts.layout, rotation, width: original.width, height: original.height, rules });
  const { blocks } = laid;
  const lines = laid.lines.map((l) => {
    const raw = rawOf.get(l.text);
    return raw === undefined ? l : { ...l, raw };
  });
  return {
    text: lines.map((l) => l.text).join('\n'),
    lines,
    ...(blocks ? { blocks } : {}),
    rotation,
    provider: models.providers[0],
    ms: Math.round(performance.now() - started),
    width: original.width,
    height: original.height,
  };
}
