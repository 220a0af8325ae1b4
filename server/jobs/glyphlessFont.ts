// A font that draws nothing, for invisible text layers, laid out the way Tesseract and OCRmyPDF lay theirs: a
// Type0 font (Identity-H: two bytes a character) over a CIDFontType2 whose every CID shows one empty glyph of
// a TrueType font built here, and a ToUnicode map that gives each code back as the character it stands for.
// Any Unicode text (CJK, symbols, characters beyond the BMP), a few hundred bytes a document, nothing to ship.
import { PDFHexString, PDFName, PDFString, type PDFDocument, type PDFRef } from 'pdf-lib';

/** Font units per em; every glyph advances half an em (the text layer stretches each word to its box anyway). */
const UNITS = 1000;
const ADVANCE = 500;
/** How far one character advances, in ems. */
export const ADVANCE_EM = ADVANCE / UNITS;
/** Ascent and descent of the em box, in font units: the baseline sits a fifth of the text height above its bottom. */
const ASCENT = 800;
const DESCENT = -200;
/** Where a line's baseline sits over its box's bottom edge, as a share of the box height. */
export const BASELINE_SHARE = -DESCENT / (ASCENT - DESCENT);
/** Identity-H codes are two bytes; code 0 stays .notdef. */
const MAX_CODE = 0xffff;

const u16 = (...values: number[]): number[] => values.flatMap((v) => [(v >> 8) & 0xff, v & 0xff]);
const u32 = (...values: number[]): number[] => values.flatMap((v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);

/** Sum of a table's big-endian 32-bit words (zero-padded to a whole word), as the sfnt format checks it. */
function checksum(bytes: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 4) {
    sum = (sum + (((bytes[i] << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0)) >>> 0;
  }
  return sum;
}

/**
 * A TrueType font of two glyphs, .notdef (a plain box, as fonts have it; never shown) and the empty glyph every
 * CID shows, holding only the tables a PDF reader needs of an embedded CIDFontType2 (glyf, head, hhea, hmtx,
 * loca, maxp).
 */
function glyphlessTrueType(): Uint8Array {
  const glyphs = 2;
  const box = { left: 50, right: ADVANCE - 50, top: ASCENT - 100 };
  // One contour of four on-curve points (flag 1: both coordinates as 16-bit deltas), no instructions.
  const notdef = [
    ...u16(1, box.left, 0, box.right, box.top),
    ...u16(3, 0),
    1,
    1,
    1,
    1,
    ...u16(box.left, 0, box.right - box.left, 0),
    ...u16(0, box.top, 0, -box.top & 0xffff),
  ];
  const tables: [string, number[]][] = [
    ['glyf', notdef],
    [
      'head',
      [
        ...u32(0x00010000, 0x00010000, 0, 0x5f0f3cf5),
        // flags: baseline at y=0, left sidebearing at x=0, integer scaling; units per em
        ...u16(0b1011, UNITS),
        // created, modified
        ...u32(0, 0, 0, 0),
        // xMin, yMin, xMax, yMax, macStyle, lowestRecPPEM, fontDirectionHint, indexToLocFormat (short), glyphDataFormat
        ...u16(box.left, 0, box.right, box.top, 0, 3, 2, 0, 0),
      ],
    ],
    [
      'hhea',
      [
        ...u32(0x00010000),
        // ascender, descender, lineGap, advanceWidthMax, minLSB, minRSB, xMaxExtent, caret rise/run/offset, 4 reserved, metricDataFormat, numberOfHMetrics
        ...u16(ASCENT, DESCENT & 0xffff, 0, ADVANCE, 0, 0, box.right, 1, 0, 0, 0, 0, 0, 0, 0, glyphs),
      ],
    ],
    ['hmtx', u16(ADVANCE, box.left, ADVANCE, 0)],
    // Short offsets (half the byte offset): .notdef's outline, then the empty glyph ending where it starts.
    ['loca', u16(0, notdef.length / 2, notdef.length / 2)],
    // Version 1.0: numGlyphs, most points and contours, two zones, no instructions or components.
    ['maxp', [...u32(0x00010000), ...u16(glyphs, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0)]],
  ];
  const n = tables.length;
  const pow = 2 ** Math.floor(Math.log2(n));
  const head = [...u32(0x00010000), ...u16(n, pow * 16, Math.log2(pow), n * 16 - pow * 16)];
  let offset = head.length + n * 16;
  let headAt = 0;
  const records: number[] = [];
  const bodies: number[] = [];
  for (const [tag, body] of tables) {
    if (tag === 'head') headAt = offset;
    records.push(...[...tag].map((c) => c.charCodeAt(0)), ...u32(checksum(body), offset, body.length));
    const padded = [...body, ...new Array<number>((4 - (body.length % 4)) % 4).fill(0)];
    bodies.push(...padded);
    offset += padded.length;
  }
  const font = [...head, ...records, ...bodies];
  // head.checkSumAdjustment (its third word) makes the whole font sum to the format's magic number.
  font.splice(headAt + 8, 4, ...u32((0xb1b0afba - checksum(font)) >>> 0));
  return Uint8Array.from(font);
}

export interface GlyphlessFont {
  ref: PDFRef;
  /** The text as this font's codes, for a text-showing operator. */
  encode(text: string): PDFHexString;
  /** Writes the ToUnicode and CID maps for every character encoded so far; call once, before saving. */
  finish(): void;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** UTF-16BE of one code point, as hex (a surrogate pair beyond the BMP). */
function utf16Hex(cp: number): string {
  if (cp < 0x10000) return hex4(cp);
  const a = cp - 0x10000;
  return hex4(0xd800 + (a >> 10)) + hex4(0xdc00 + (a & 0x3ff));
}

/**
 * Adds the font to `doc`. Codes are given out per document in the order characters first appear (code 1 is
 * the first character), so the ToUnicode map lists only characters the document uses.
 */
export function embedGlyphlessFont(doc: PDFDocument): GlyphlessFont {
  const { context } = doc;
  const codes = new Map<number, number>();
  const toUnicode = context.nextRef();
  const cidToGid = context.nextRef();
  const file = context.register(context.flateStream(glyphlessTrueType()));
  const name = 'GlyphLessFont';
  const descriptor = context.register(
    context.obj({
      Type: 'FontDescriptor',
      FontName: name,
      // FixedPitch + Symbolic
      Flags: 5,
      FontBBox: [0, DESCENT, ADVANCE, ASCENT],
      ItalicAngle: 0,
      Ascent: ASCENT,
      Descent: DESCENT,
      CapHeight: ASCENT,
      StemV: 80,
      FontFile2: file,
    }),
  );
  const cidFont = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'CIDFontType2',
      BaseFont: name,
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
      FontDescriptor: descriptor,
      DW: ADVANCE,
      CIDToGIDMap: cidToGid,
    }),
  );
  const ref = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: name,
      Encoding: PDFName.of('Identity-H'),
      DescendantFonts: [cidFont],
      ToUnicode: toUnicode,
    }),
  );
  // Past 65 534 distinct characters (no real document has them) the rest read back as U+FFFD.
  let overflow = false;
  let finished = false;
  return {
    ref,
    encode(text) {
      let hex = '';
      for (const ch of text) {
        const cp = ch.codePointAt(0) ?? 0xfffd;
        let code = codes.get(cp);
        if (code === undefined && codes.size < MAX_CODE - 1) codes.set(cp, (code = codes.size + 1));
        if (code === undefined) {
          code = MAX_CODE;
          overflow = true;
        }
        hex += hex4(code);
      }
      return PDFHexString.of(hex);
    },
    finish() {
      if (finished) throw new Error('the glyphless font is already finished');
      finished = true;
      // Every code shows glyph 1, the empty one.
      const map = new Uint8Array(2 * ((overflow ? MAX_CODE : codes.size) + 1));
      for (let i = 1; i < map.length; i += 2) map[i] = 1;
      context.assign(cidToGid, context.flateStream(map));
      const entries = [...codes].map(([cp, code]) => `<${hex4(code)}> <${utf16Hex(cp)}>`);
      if (overflow) entries.push(`<${hex4(MAX_CODE)}> <fffd>`);
      const chunks: string[] = [];
      // At most 100 mappings per bfchar section.
      for (let i = 0; i < entries.length; i += 100) {
        const part = entries.slice(i, i + 100);
        chunks.push(`${part.length} beginbfchar\n${part.join('\n')}\nendbfchar`);
      }
      const cmap = [
        '/CIDInit /ProcSet findresource begin',
        '12 dict begin',
        'begincmap',
        '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
        '/CMapName /Adobe-Identity-UCS def',
        '/CMapType 2 def',
        '1 begincodespacerange',
        '<0000> <ffff>',
        'endcodespacerange',
        ...chunks,
        'endcmap',
        'CMapName currentdict /CMap defineresource pop',
        'end',
        'end',
      ].join('\n');
      context.assign(toUnicode, context.flateStream(cmap));
    },
  };
}
