// The real-text set for `npm run bench -- --real`: screenshots of text nobody wrote for a test — READMEs,
// changelogs and licences of the installed packages, TypeScript's Chinese diagnostic messages, paddleocr's
// Chinese README, zod's Chinese messages (source code) — laid out in Debian's Chromium in several fonts, sizes,
// light and dark themes, at 1× and 2×, each image a block of consecutive lines with its truth read from the DOM.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../server/sha256';
import { seededRandom } from '../server/testkit/renderText';
import { readDataset, type BenchDataset } from './dataset';

/** Debian's chromium package (the e2e tests use the same). */
const CHROMIUM = process.env.HEARTH_CHROMIUM ?? '/usr/lib/chromium/chromium';
/** Raise when the set's recipe changes, so a cached set is rendered again. */
const RECIPE = 1;

export interface RealSource {
  lang: 'en' | 'zh';
  /** Path relative to the repository root. */
  file: string;
  lines: string[];
}

const LATIN_FONTS = ['DejaVu Sans', 'Liberation Sans', 'Liberation Serif', 'DejaVu Serif', 'DejaVu Sans Mono', 'Liberation Mono'];
const CJK_FONTS = ['Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Noto Serif CJK SC'];
const SIZES = [12, 13, 14, 15, 16, 18];
const THEMES = {
  light: { background: '#ffffff', color: '#24292f' },
  dark: { background: '#0d1117', color: '#c9d1d9' },
} as const;
const LINES_PER_IMAGE = 4;

const CJK = /[\u3400-\u9fff]/u;
/** Lines kept: printable ASCII, CJK and CJK punctuation only (no emoji, no other scripts the models never learnt). */
const KEEPABLE = /^[\x20-\x7e\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2018-\u201d\u2026\u00b7]+$/u;

function usable(line: string, lang: 'en' | 'zh'): boolean {
  const n = [...line].length;
  if (n < 6 || n > 64 || !KEEPABLE.test(line)) return false;
  const words = line.match(lang === 'zh' ? /[\u3400-\u9fff]/gu : /[A-Za-z]/g)?.length ?? 0;
  return words >= 3 && (lang === 'en' ? !CJK.test(line) : true);
}

function textLines(text: string, lang: 'en' | 'zh'): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => usable(l, lang));
}

/** The installed packages' own documents and the Chinese texts that ship with them, in a fixed order. */
export function realSources(root: string): RealSource[] {
  const modules = join(root, 'node_modules');
  const packages = readdirSync(modules)
    .flatMap((d) => (d.startsWith('@') ? readdirSync(join(modules, d)).map((s) => `${d}/${s}`) : d.startsWith('.') ? [] : [d]))
    .sort();
  const sources: RealSource[] = [];
  const DOCS = /^(readme|changelog|history|license|licence)(\.md|\.txt)?$/i;
  for (const pkg of packages) {
    let entries: string[];
    try {
      entries = readdirSync(join(modules, pkg)).sort();
    } catch {
      continue;
    }
    for (const name of entries.filter((e) => DOCS.test(e))) {
      const file = join('node_modules', pkg, name);
      const lines = textLines(readFileSync(join(root, file), 'utf8'), 'en');
      if (lines.length >= LINES_PER_IMAGE) sources.push({ lang: 'en', file, lines });
    }
  }
  const zh: Array<[string, (text: string) => string]> = [
    [
      'node_modules/typescript/lib/zh-cn/diagnosticMessages.generated.json',
      (t) => Object.values(JSON.parse(t) as Record<string, string>).join('\n'),
    ],
    ['node_modules/paddleocr/README_zh.md', (t) => t],
    ['node_modules/zod/v4/locales/zh-CN.cjs', (t) => t],
  ];
  for (const [file, text] of zh) {
    if (!existsSync(join(root, file))) continue;
    const lines = textLines(text(readFileSync(join(root, file), 'utf8')), 'zh').filter((l) => CJK.test(l));
    if (lines.length >= LINES_PER_IMAGE) sources.push({ lang: 'zh', file, lines });
  }
  return sources;
}

interface Planned {
  file: string;
  lang: 'en' | 'zh';
  source: string;
  lines: string[];
  font: string;
  size: number;
  theme: keyof typeof THEMES;
  scale: 1 | 2;
}

/** Half English, half Chinese blocks, each from a random place in a random source, in a random look. */
export function planRealSet(sources: RealSource[], n: number, seed = 7): Planned[] {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const byLang = { en: sources.filter((s) => s.lang === 'en'), zh: sources.filter((s) => s.lang === 'zh') };
  if (!byLang.en.length || !byLang.zh.length)
    throw new Error('the real-text set needs installed packages (npm ci) with English and Chinese documents');
  return Array.from({ length: n }, (_, i) => {
    const lang = i % 2 === 0 ? 'en' : 'zh';
    const source = pick(byLang[lang]);
    const start = Math.floor(rnd() * (source.lines.length - LINES_PER_IMAGE + 1));
    const theme = rnd() < 0.5 ? 'light' : 'dark';
    const scale = rnd() < 0.5 ? 1 : 2;
    return {
      file: `${String(i).padStart(3, '0')}-${lang}.png`,
      lang,
      source: source.file,
      lines: source.lines.slice(start, start + LINES_PER_IMAGE),
      font: pick(lang === 'en' ? LATIN_FONTS : CJK_FONTS),
      size: pick(SIZES),
      theme,
      scale,
    };
  });
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders the planned blocks with Chromium into dir: PNGs, truth.json (from the DOM) and categories.json. */
async function renderRealSet(dir: string, planned: Planned[]): Promise<void> {
  const { chromium } = await import('playwright');
  mkdirSync(dir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
  });
  const truth: Record<string, string> = {};
  const categories: Record<string, string> = {};
  const describe: Record<string, Omit<Planned, 'file' | 'lines'>> = {};
  try {
    for (const scale of [1, 2] as const) {
      const context = await browser.newContext({ deviceScaleFactor: scale, viewport: { width: 1400, height: 600 } });
      const page = await context.newPage();
      for (const p of planned.filter((x) => x.scale === scale)) {
        const { background, color } = THEMES[p.theme];
        const fallback = p.lang === 'zh' ? 'sans-serif' : `'${CJK_FONTS[0]}', sans-serif`;
        await page.setContent(
          `<html><body style="margin:0;background:${background}"><div id="block" style="display:inline-block;padding:14px 18px;` +
            `font-family:'${p.font}',${fallback};font-size:${p.size}px;line-height:1.5;white-space:pre;background:${background};color:${color}">` +
            p.lines.map((l) => `<div>${escapeHtml(l)}</div>`).join('') +
            '</div></body></html>',
        );
        const block = page.locator('#block');
        // The text as Chromium laid it out: one line per child, as drawn.
        truth[p.file] = await block.evaluate((el) => (el as unknown as { innerText: string }).innerText.trim());
        await block.screenshot({ path: join(dir, p.file) });
        categories[p.file] = p.lang;
        const { file: _file, lines: _lines, ...look } = p;
        describe[p.file] = look;
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  writeFileSync(join(dir, 'categories.json'), JSON.stringify(categories, null, 1));
  writeFileSync(join(dir, 'looks.json'), JSON.stringify(describe, null, 1));
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(truth, null, 1));
}

/**
 * The set of n images, rendered into a temp folder once and reused by later runs. The folder is named by the
 * plan, so other installed packages (other documents) or another recipe render a new set.
 */
export async function ensureRealTextSet(root: string, n: number): Promise<BenchDataset> {
  const planned = planRealSet(realSources(root), n);
  const key = sha256Hex(JSON.stringify({ RECIPE, planned })).slice(0, 12);
  const dir = join(tmpdir(), `hearth-bench-real-${n}-${key}`);
  if (!existsSync(join(dir, 'truth.json'))) await renderRealSet(dir, planned);
  return readDataset(dir);
}
