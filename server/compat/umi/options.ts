// Umi-OCR's option dictionaries (the shape its HTTP API documents: title, toolTip, type, default, optionsList)
// for what Hearth reads, and the parsing of a client's options into what the engine and the layout honour.
// Umi's engine-specific language paths are accepted and ignored: Hearth reads Chinese and English with one model.
import type { LayoutMode } from '../../contract/ocr';

/** Layout modes, as Umi names them: columns (multi/single) × line ends (para/line/none), code, or none. */
export const UMI_PARSERS = [
  'multi_para',
  'multi_line',
  'multi_none',
  'single_para',
  'single_line',
  'single_none',
  'single_code',
  'none',
] as const;
export type UmiParser = (typeof UMI_PARSERS)[number];

/** The layout each Umi mode asks of Hearth: columns found, one column, or lines as the detector gave them. */
export const LAYOUT_OF_PARSER: Readonly<Record<UmiParser, LayoutMode>> = {
  multi_para: 'auto',
  multi_line: 'auto',
  multi_none: 'auto',
  single_para: 'single',
  single_line: 'single',
  single_none: 'single',
  single_code: 'single',
  none: 'lines',
};

/** Side limits Umi offers for the detector; 999999 means "no limit" there. */
const SIDE_LIMITS = [960, 2880, 4320, 999999] as const;

/** Hearth bounds the detector's input to keep memory in check: "no limit" reads at this side. */
export const LARGEST_SIDE = 4320;

export const DOC_EXTRACTION_MODES = ['mixed', 'fullPage', 'imageOnly', 'textOnly'] as const;
export type DocExtractionMode = (typeof DOC_EXTRACTION_MODES)[number];

type OptionType = 'enum' | 'boolean' | 'text' | 'number' | 'var';

export interface OptionDefinition {
  title: string;
  toolTip?: string;
  type: OptionType;
  default: unknown;
  optionsList?: [string | number, string][];
  isInt?: boolean;
}

/** The language Hearth reads, offered under the path Umi's default Chinese model uses so clients keep their setting. */
const LANGUAGE_VALUE = 'models/config_chinese.txt';

function imageOptions(withFormat: boolean): Record<string, OptionDefinition> {
  const options: Record<string, OptionDefinition> = {
    'ocr.language': {
      title: 'Language / 语言',
      toolTip: 'Hearth reads Simplified Chinese and English (PP-OCRv4) whatever is chosen here.',
      type: 'enum',
      default: LANGUAGE_VALUE,
      optionsList: [[LANGUAGE_VALUE, '简体中文 + English (PP-OCRv4)']],
    },
    'ocr.cls': {
      title: 'Correct text direction / 纠正文本方向',
      toolTip: 'Hearth always reads turned and upside-down text upright; accepted for compatibility.',
      type: 'boolean',
      default: false,
    },
    'ocr.limit_side_len': {
      title: 'Detector side limit / 限制图像边长',
      toolTip: `Longer side the detector first reads the image at; larger finds smaller print on big images. Hearth reads "no limit" at ${LARGEST_SIDE}.`,
      type: 'enum',
      default: 960,
      optionsList: SIDE_LIMITS.map((v): [number, string] => [v, v === 999999 ? `no limit (${LARGEST_SIDE})` : String(v)]),
    },
    'tbpu.parser': {
      title: 'Layout / 排版解析',
      toolTip: 'How text blocks are ordered and where lines end.',
      type: 'enum',
      default: 'multi_para',
      optionsList: [
        ['multi_para', 'Columns, paragraphs / 多栏-按段落'],
        ['multi_line', 'Columns, every line / 多栏-每行换行'],
        ['multi_none', 'Columns, no line breaks / 多栏-不换行'],
        ['single_para', 'One column, paragraphs / 单栏-按段落'],
        ['single_line', 'One column, every line / 单栏-每行换行'],
        ['single_none', 'One column, no line breaks / 单栏-不换行'],
        ['single_code', 'One column, keep indentation (code) / 单栏-保留缩进'],
        ['none', 'Lines as detected / 不处理'],
      ],
    },
    'tbpu.ignoreArea': {
      title: 'Ignore areas / 忽略区域',
      toolTip: 'A list of rectangles [[left, top], [right, bottom]]; text lying wholly inside one is dropped.',
      type: 'var',
      default: [],
    },
  };
  if (withFormat) {
    options['data.format'] = {
      title: 'Result format / 数据格式',
      toolTip: '"dict": a list of text blocks with boxes; "text": the text alone.',
      type: 'enum',
      default: 'dict',
      optionsList: [
        ['dict', 'Blocks with boxes / 含位置的字典'],
        ['text', 'Text only / 纯文本'],
      ],
    };
  }
  return options;
}

/** GET /api/ocr/get_options */
export function ocrOptionDefinitions(): Record<string, OptionDefinition> {
  return imageOptions(true);
}

/** GET /api/doc/get_options */
export function docOptionDefinitions(): Record<string, OptionDefinition> {
  const int = (title: string, toolTip: string, value: number): OptionDefinition => ({
    title,
    toolTip,
    type: 'number',
    isInt: true,
    default: value,
  });
  return {
    ...imageOptions(false),
    'tbpu.ignoreRangeStart': int('Ignore areas from page / 忽略区域起始页', 'First page (from 1) the ignore areas apply to.', 1),
    'tbpu.ignoreRangeEnd': int('Ignore areas to page / 忽略区域结束页', 'Last page they apply to; negative counts from the end.', -1),
    pageRangeStart: int('From page / 起始页', 'First page to read, from 1.', 1),
    pageRangeEnd: int('To page / 结束页', 'Last page to read; negative counts from the end (-1 = the last).', -1),
    pageList: {
      title: 'Pages / 页码列表',
      toolTip: 'Pages to read, e.g. [1, 2, 5]; takes precedence over the range.',
      type: 'var',
      default: [],
    },
    password: { title: 'Password / 密码', toolTip: 'Password of an encrypted document.', type: 'text', default: '' },
    'doc.extractionMode': {
      title: 'Content / 内容提取',
      toolTip: 'Pages with a text layer: read it, recognise the page image, or both.',
      type: 'enum',
      default: 'mixed',
      optionsList: [
        ['mixed', 'Text layer where there is one, else recognise / 混合'],
        ['fullPage', 'Recognise every page image / 整页识别'],
        ['imageOnly', 'Recognise images only / 仅识别图片'],
        ['textOnly', 'Text layer only / 仅原有文本'],
      ],
    },
  };
}

/** A rectangle given as top-left and bottom-right corners. */
export type IgnoreArea = [[number, number], [number, number]];

export interface UmiImageOptions {
  parser: UmiParser;
  ignoreAreas: IgnoreArea[];
  format: 'dict' | 'text';
  /** The detector's first-pass side (undefined = Hearth's default). */
  limitSide?: number;
}

export interface UmiDocOptions extends UmiImageOptions {
  ignoreRange: [number, number];
  pageRange: [number, number];
  pageList: number[];
  password: string;
  extraction: DocExtractionMode;
}

/** A client's options that cannot be read; the message says which one and why. */
export class UmiOptionError extends Error {}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function readIgnoreAreas(value: unknown): IgnoreArea[] {
  if (value === undefined || value === null) return [];
  const isPoint = (p: unknown): p is [number, number] => Array.isArray(p) && p.length === 2 && isNumber(p[0]) && isNumber(p[1]);
  if (!Array.isArray(value) || !value.every((a) => Array.isArray(a) && a.length === 2 && isPoint(a[0]) && isPoint(a[1]))) {
    throw new UmiOptionError(`tbpu.ignoreArea must be a list of [[left, top], [right, bottom]] rectangles; got ${JSON.stringify(value)}`);
  }
  return value as IgnoreArea[];
}

function readEnum<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new UmiOptionError(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function readInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (!isNumber(value) || !Number.isInteger(value))
    throw new UmiOptionError(`${name} must be a whole number; got ${JSON.stringify(value)}`);
  return value;
}

function readLimitSide(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isNumber(value) || value < 32)
    throw new UmiOptionError(`ocr.limit_side_len must be a number of pixels (960, 2880, 4320 or 999999); got ${JSON.stringify(value)}`);
  return Math.min(Math.round(value), LARGEST_SIDE);
}

/** Reads the options of POST /api/ocr; unknown keys (other engines' options) are ignored as Umi ignores them. */
export function parseImageOptions(raw: unknown): UmiImageOptions {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UmiOptionError('options must be a dictionary');
  const o = raw as Record<string, unknown>;
  if (o['ocr.cls'] !== undefined && typeof o['ocr.cls'] !== 'boolean') throw new UmiOptionError('ocr.cls must be true or false');
  if (o['ocr.language'] !== undefined && typeof o['ocr.language'] !== 'string') throw new UmiOptionError('ocr.language must be a string');
  return {
    parser: readEnum('tbpu.parser', o['tbpu.parser'], UMI_PARSERS, 'multi_para'),
    ignoreAreas: readIgnoreAreas(o['tbpu.ignoreArea']),
    format: readEnum('data.format', o['data.format'], ['dict', 'text'] as const, 'dict'),
    limitSide: readLimitSide(o['ocr.limit_side_len']),
  };
}

/** Reads the `json` field of POST /api/doc/upload. */
export function parseDocOptions(raw: unknown): UmiDocOptions {
  const image = parseImageOptions(raw);
  const o = (raw ?? {}) as Record<string, unknown>;
  const pageList = o.pageList ?? [];
  if (!Array.isArray(pageList) || !pageList.every((p) => isNumber(p) && Number.isInteger(p) && p >= 1)) {
    throw new UmiOptionError(`pageList must be a list of page numbers from 1; got ${JSON.stringify(pageList)}`);
  }
  const password = o.password ?? '';
  if (typeof password !== 'string') throw new UmiOptionError('password must be a string');
  return {
    ...image,
    format: 'dict',
    ignoreRange: [
      readInt('tbpu.ignoreRangeStart', o['tbpu.ignoreRangeStart'], 1),
      readInt('tbpu.ignoreRangeEnd', o['tbpu.ignoreRangeEnd'], -1),
    ],
    pageRange: [readInt('pageRangeStart', o.pageRangeStart, 1), readInt('pageRangeEnd', o.pageRangeEnd, -1)],
    pageList: pageList as number[],
    password,
    extraction: readEnum('doc.extractionMode', o['doc.extractionMode'], DOC_EXTRACTION_MODES, 'mixed'),
  };
}

/** Whether page `page` (from 1) of `count` lies in a range whose negative ends count from the last page. */
export function pageInRange(page: number, count: number, [start, end]: [number, number]): boolean {
  const from = start < 0 ? count + start + 1 : start;
  const to = end < 0 ? count + end + 1 : end;
  return page >= from && page <= to;
}
