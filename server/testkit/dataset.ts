// A seeded evaluation set like the OCR acceptance: English, Chinese and mixed text, 12–40 px fonts, ±5° skew,
// noise, low contrast and one upside-down image, each with its ground truth. Same seed → same images.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderText, seededRandom, type RenderTextOptions } from './renderText';

export const SAMPLE_CATEGORIES = ['english', 'chinese', 'mixed'] as const;
export type SampleCategory = (typeof SAMPLE_CATEGORIES)[number];

export interface DatasetSample {
  /** File name inside the dataset folder, e.g. "007-mixed.png". */
  file: string;
  category: SampleCategory;
  lines: string[];
  /** Ground truth: lines joined by "\n". */
  text: string;
  render: RenderTextOptions;
}

const ENGLISH_WORDS = (
  'the quick brown fox jumps over lazy dog invoice total amount paid received order number customer ' +
  'address street city phone email date time price quantity item description shipping tax discount ' +
  'balance due account report summary meeting agenda project budget review approved signature office ' +
  'station train ticket platform departure arrival gate flight seat window coffee bread milk water ' +
  'monday tuesday friday january march october please call us today thank you for your visit open ' +
  'hours notice important delivery package warehouse section floor room north south east west ' +
  'first second third page chapter note memo record file copy draft final version update system ' +
  'server network private local node model image text reader scanner paper letter book library'
).split(' ');

const CHINESE_PHRASES = (
  '今天 天气 很好 我们 一起 去 公园 散步 发票 金额 合计 日期 时间 地址 电话 客户 订单 编号 ' +
  '北京 上海 广州 深圳 火车站 机场 出发 到达 会议 记录 项目 预算 报告 总结 审核 通过 签名 办公室 ' +
  '学生 老师 学校 图书馆 阅读 文字 识别 系统 服务 网络 本地 模型 图片 数据 安全 隐私 ' +
  '欢迎 光临 谢谢 请 注意 重要 通知 包裹 仓库 中国 人民 银行 医院 药品 价格 数量 商品 说明 ' +
  '春天 夏天 秋天 冬天 山水 风景 城市 发展 经济 文化 历史 科学 技术 工程 管理 工作 生活 快乐'
).split(' ');

const PUNCT_EN = [',', '.', ':', ';', '-', '!', '?'];
const PUNCT_ZH = ['，', '。', '：', '、', '！'];
const FONTS_LATIN = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'Noto Sans CJK SC'];
const FONTS_CJK = ['Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Noto Serif CJK SC'];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

function int(rnd: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rnd() * (hi - lo + 1));
}

function number(rnd: () => number): string {
  const kind = int(rnd, 0, 3);
  if (kind === 0) return String(int(rnd, 1, 999));
  if (kind === 1) return `${int(rnd, 1, 9999)}.${String(int(rnd, 0, 99)).padStart(2, '0')}`;
  if (kind === 2) return `20${int(rnd, 10, 29)}-${String(int(rnd, 1, 12)).padStart(2, '0')}-${String(int(rnd, 1, 28)).padStart(2, '0')}`;
  return String(int(rnd, 10000, 999999));
}

function englishLine(rnd: () => number): string {
  const words: string[] = [];
  const n = int(rnd, 2, 7);
  for (let i = 0; i < n; i++) {
    let w = rnd() < 0.15 ? number(rnd) : pick(rnd, ENGLISH_WORDS);
    if (i === 0 || rnd() < 0.12) w = w[0].toUpperCase() + w.slice(1);
    words.push(w);
  }
  let line = words.join(' ');
  if (rnd() < 0.5) line += pick(rnd, PUNCT_EN);
  return line;
}

function chineseLine(rnd: () => number): string {
  let line = '';
  const n = int(rnd, 2, 6);
  for (let i = 0; i < n; i++) {
    line += pick(rnd, CHINESE_PHRASES);
    if (i < n - 1 && rnd() < 0.2) line += pick(rnd, PUNCT_ZH);
  }
  if (rnd() < 0.5) line += pick(rnd, ['。', '！', '']);
  return line;
}

function mixedLine(rnd: () => number): string {
  const parts: string[] = [];
  const n = int(rnd, 2, 5);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.45) parts.push(pick(rnd, CHINESE_PHRASES) + pick(rnd, CHINESE_PHRASES));
    else if (r < 0.8) parts.push(pick(rnd, ENGLISH_WORDS));
    else parts.push(number(rnd));
  }
  // Chinese next to Latin is written both with and without a space; keep both.
  return parts.join(rnd() < 0.5 ? ' ' : '');
}

/** The samples (text and render options) of a dataset; cheap, renders nothing. */
export function datasetSamples(n = 60, seed = 1): DatasetSample[] {
  const rnd = seededRandom(seed);
  const upsideDownAt = Math.min(n - 1, 7);
  const samples: DatasetSample[] = [];
  for (let i = 0; i < n; i++) {
    const category = SAMPLE_CATEGORIES[i % SAMPLE_CATEGORIES.length];
    const lineCount = int(rnd, 1, 5);
    const make = category === 'english' ? englishLine : category === 'chinese' ? chineseLine : mixedLine;
    const lines = Array.from({ length: lineCount }, () => make(rnd));
    const low = rnd() < 0.25;
    const grey = rnd() < 0.3;
    const render: RenderTextOptions = {
      lines,
      fontSize: int(rnd, 12, 40),
      font: category === 'english' ? pick(rnd, FONTS_LATIN) : pick(rnd, FONTS_CJK),
      rotate: Math.round((rnd() * 10 - 5) * 10) / 10,
      noise: rnd() < 0.5 ? Math.round(rnd() * 20) : 0,
      contrast: low ? 0.3 + rnd() * 0.2 : 0.8 + rnd() * 0.2,
      background: grey ? pick(rnd, ['#f2f2f2', '#e8e4d8', '#dde6ee', '#fff8e7']) : '#ffffff',
      upsideDown: i === upsideDownAt,
      seed: i + 1,
    };
    const file = `${String(i).padStart(3, '0')}-${category}.png`;
    samples.push({ file, category, lines, text: lines.join('\n'), render });
  }
  return samples;
}

/** Renders one sample to PNG bytes. */
export function renderSample(sample: DatasetSample): Promise<Buffer> {
  return renderText(sample.render);
}

/**
 * Writes n images plus `truth.json` ({ file: text }) and `categories.json` ({ file: category }) into dir.
 * Returns the samples written.
 */
export async function writeDataset(dir: string, n = 60, seed = 1): Promise<DatasetSample[]> {
  await mkdir(dir, { recursive: true });
  const samples = datasetSamples(n, seed);
  const truth: Record<string, string> = {};
  const categories: Record<string, SampleCategory> = {};
  for (const s of samples) {
    await writeFile(join(dir, s.file), await renderSample(s));
    truth[s.file] = s.text;
    categories[s.file] = s.category;
  }
  await writeFile(join(dir, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  await writeFile(join(dir, 'categories.json'), JSON.stringify(categories, null, 2) + '\n');
  return samples;
}
