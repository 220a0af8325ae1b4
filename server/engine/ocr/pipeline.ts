// The whole OCR for one image, run inside an engine worker: decode → detect → crop → direction → recognise →
// reading order. Holds the three sessions of one worker; nothing here touches the main thread.
import { readFile } from 'node:fs/promises';
import type * as ort from 'onnxruntime-node';
import type { OcrLine, OcrResult } from '../../contract/ocr';
import { decodeImage } from '../image';
import { fuseForInference } from '../onnx/fuse';
import { OnnxGraph } from '../onnx/graph';
import { createSession, type LoadedSession, type SessionOptions } from '../session';
import { classifyDirections } from './classifier';
import { cropTextLine, rotate180 } from './crop';
import { loadDictionary } from './ctcDecode';
import { addCtcHead } from './ctcHead';
import { DETECT_DEFAULTS, detectText, type DetectOptions } from './detector';
import { ocrModelFiles } from './modelFiles';
import { readingOrder } from './readingOrder';
import { recognizeCrops } from './recognizer';
import { fixLetterDigits } from './letterDigitFix';
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
  cls: OcrSession;
  rec: OcrSession;
  dict: string[];
  /** Providers the three sessions run on (det, cls, rec). */
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
}

/** Recognition widths on a GPU come in steps of this many pixels, so inputs of many requests share a shape. */
const GPU_WIDTH_STEP = 32;

export const OCR_DEFAULTS: OcrOptions = { detect: DETECT_DEFAULTS, clsThreshold: 0.9, dropScore: 0.5, recBatch: 0, recPad: true };

/**
 * Loads the three sessions one after another, each from its graph as rewritten for inference (onnx/fuse.ts; the
 * recogniser also with the CTC head of ctcHead.ts). An abort between two sessions releases what was loaded.
 */
export async function loadOcrModels(opts: SessionOptions, signal?: AbortSignal): Promise<OcrModels> {
  const files = ocrModelFiles();
  const dict = loadDictionary(files.dict);
  const graphs = ocrGraphs(dict.length);
  const loaded: LoadedSession[] = [];
  try {
    for (const graph of graphs) {
      signal?.throwIfAborted();
      loaded.push(await createSession(await graph(), opts));
    }
  } catch (err) {
    await Promise.all(loaded.map((l) => l.session.release()));
    throw err;
  }
  const [det, cls, rec] = loaded;
  return { det: det.session, cls: cls.session, rec: rec.session, dict, providers: [det.provider, cls.provider, rec.provider] };
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
  await Promise.all([models.det.release(), models.cls.release(), models.rec.release()]);
}

/** The image being read in this thread: runs are one at a time, as the reused input buffers (scratch.ts) need. */
let current: Promise<unknown> = Promise.resolve();

export function runOcr(models: OcrModels, bytes: Uint8Array, opts: OcrOptions = OCR_DEFAULTS): Promise<OcrResult> {
  const run = current.then(() => readImage(models, bytes, opts));
  current = run.catch(() => undefined);
  return run;
}

async function readImage(models: OcrModels, bytes: Uint8Array, opts: OcrOptions): Promise<OcrResult> {
  const started = performance.now();
  const onCpu = models.providers[2] === 'cpu';
  const recBatch = opts.recBatch || (onCpu ? 1 : 8);
  const widthStep = onCpu ? 1 : GPU_WIDTH_STEP;
  const img = await decodeImage(bytes);
  const boxes = await detectText(models.det, img, opts.detect);
  const crops = boxes.map((b) => cropTextLine(img, b.box));
  const directions = await classifyDirections(models.cls, crops);
  // The small direction classifier misreads some upright lines as turned, confidently. So a line it calls
  // upside down is recognised both ways and the reading the recogniser is surer of wins.
  const suspects = directions.flatMap((d, i) => (d.upsideDown && d.score > opts.clsThreshold ? [i] : []));
  const recognised = await recognizeCrops(models.rec, [...crops, ...suspects.map((i) => rotate180(crops[i]))], models.dict, {
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
    const again = await recognizeCrops(models.rec, rest.map((i) => rotate180(crops[i])), models.dict, { batch: recBatch, padToBase: opts.recPad, widthStep });
    rest.forEach((i, k) => {
      if (again[k].confidence > texts[i].confidence) {
        texts[i] = again[k];
        readFrom[i] = rotate180(crops[i]);
      }
    });
  }
  const lines: OcrLine[] = [];
  for (const i of readingOrder(boxes.map((b) => b.box), pageUpsideDown)) {
    const t = texts[i];
    if (t.confidence < opts.dropScore || !t.text.trim()) continue;
    lines.push({ text: fixLetterDigits(restoreWordSpaces(readFrom[i], t)), confidence: Math.round(t.confidence * 1e4) / 1e4, box: boxes[i].box });
  }
  return {
    text: lines.map((l) => l.text).join('\n'),
    lines,
    provider: models.providers[0],
    ms: Math.round(performance.now() - started),
    width: img.width,
    height: img.height,
  };
}
