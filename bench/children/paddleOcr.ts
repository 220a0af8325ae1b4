// Peer: the `paddleocr` npm runtime as one whole process over the folder. It ships no models, so it gets the
// same PP-OCRv4 det/cls/rec files Hearth uses (PaddleOCR's v4 pre-processing settings); sharp decodes pixels.
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { PaddleOcrService } from 'paddleocr';
import sharp from 'sharp';
import { ocrModelFiles } from '../../server/engine/ocr/modelFiles';
import { measureSequential, readJob } from './protocol';

const job = readJob();
const files = ocrModelFiles();
const buffer = async (file: string): Promise<ArrayBuffer> => {
  const b = await readFile(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};
const keys = (await readFile(files.dict, 'utf8')).split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1);
// PaddleOCR's CTC layout for PP-OCRv4: blank (index 0, added by the runtime), the key file, then a space.
const dictionary = [...keys, ' '];
const normalize = {
  mean: [127.5, 127.5, 127.5] as [number, number, number],
  stdDeviation: [1 / 127.5, 1 / 127.5, 1 / 127.5] as [number, number, number],
};
const ocr = await PaddleOcrService.createInstance({
  ort: ort as never,
  detection: {
    modelBuffer: await buffer(files.det),
    channelOrder: 'bgr',
    maxSideLength: 960,
    limitType: 'max',
    textPixelThreshold: 0.3,
    boxScoreThreshold: 0.6,
    unclipRatio: 1.5,
  },
  recognition: {
    modelBuffer: await buffer(files.rec),
    charactersDictionary: dictionary,
    channelOrder: 'bgr',
    outputSelectionStrategy: 'ctc-logits',
    imageHeight: 48,
    imageWidth: 320,
    ...normalize,
  },
  textlineOrientation: {
    modelBuffer: await buffer(files.cls),
    imageHeight: 48,
    imageWidth: 192,
    resizeMode: 'pad',
    channelOrder: 'bgr',
    labels: ['0', '180'],
    threshold: 0.9,
    ...normalize,
  },
});
await measureSequential(job, async (path) => {
  const { data, info } = await sharp(path).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const results = await ocr.recognize({
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  });
  return ocr.processRecognition(results).text;
});
