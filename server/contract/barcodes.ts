// QR codes and barcodes found in an image, as the API and the console see them.
import type { Quad } from './ocr';

/** Format names a client may ask for or get back (zxing-cpp's names, as Umi-OCR's API also uses them). */
export const BARCODE_FORMATS = [
  'Aztec',
  'Codabar',
  'Code128',
  'Code39',
  'Code93',
  'DataBar',
  'DataBarExpanded',
  'DataBarLimited',
  'DataMatrix',
  'EAN13',
  'EAN8',
  'ITF',
  'MaxiCode',
  'MicroQRCode',
  'PDF417',
  'QRCode',
  'RMQRCode',
  'UPCA',
  'UPCE',
] as const;

export type BarcodeFormatName = (typeof BARCODE_FORMATS)[number];

export interface DecodedBarcode {
  /** The code's content as text. */
  text: string;
  format: BarcodeFormatName | string;
  /** Clockwise from the code's own top-left corner, in image pixels. */
  box: Quad;
  /** Degrees the code is turned from upright. */
  orientation: number;
}

export interface BarcodesResponse {
  codes: DecodedBarcode[];
  /** Size of the (orientation-corrected) image the boxes refer to. */
  width: number;
  height: number;
  /** Time spent decoding, in milliseconds. */
  ms: number;
}
