// Rendered document pages of three kinds (invoices, letters, timetables) in English, Chinese or both, in the
// fonts CI installs, with content drawn from the seeded random: a labelled set for document-type classifiers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPage, type PageBlock } from './renderPage';
import { seededRandom } from './renderText';

export const DOC_KINDS = ['invoice', 'letter', 'timetable'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

/** Small pages keep OCR quick: the kind shows in the words and the shape of the page, not in fine print. */
export const DOC_PAGE_SIZE = { width: 600, height: 800 } as const;

const FONTS = ['DejaVu Sans', 'DejaVu Serif', 'Liberation Sans', 'Liberation Serif', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei'];
const NAMES = ['Alice Chen', 'Robert Lang', 'Mei Wong', 'Daniel Hart', 'Li Na', 'Sofia Berg', 'Zhang Wei', 'Oliver Grant'];
const CN_NAMES = ['王芳', '李强', '陈静', '刘洋', '赵敏', '孙浩'];
const GOODS = ['Paper A4', 'Toner', 'Desk lamp', 'Cables', 'Stapler', 'Chair', 'Monitor', 'Notebooks', 'Coffee'];
const CN_GOODS = ['打印纸', '墨盒', '台灯', '电缆', '订书机', '椅子', '显示器', '笔记本', '咖啡'];
const PROSE = [
  'I am writing to thank you for your kind help last month.',
  'We would be glad to meet you at the office next week.',
  'Please find enclosed the documents you asked for.',
  'Our team enjoyed working with you on this project.',
  'I hope this letter finds you and your family well.',
  'Let me know if there is anything else I can do.',
  'We look forward to hearing from you soon.',
];
const CN_PROSE = [
  '感谢您上个月的热情帮助。',
  '我们期待下周在办公室与您见面。',
  '随信附上您需要的文件。',
  '希望您和家人一切安好。',
  '如有任何问题请随时联系我。',
  '期待早日收到您的回复。',
];
const STATIONS = ['Central', 'Harbour', 'Airport', 'Riverside', 'Old Town', 'University', 'North Park', 'Market'];
const CN_STATIONS = ['中央站', '海港', '机场', '河畔', '老城', '大学', '北公园', '市场'];

type Lang = 'en' | 'zh' | 'mixed';

/** One page of `kind`; the same kind and seed give the same bytes. */
export function docPage(kind: DocKind, seed: number): Promise<Buffer> {
  const { blocks, background } = docPageLayout(kind, seed);
  return renderPage({ ...DOC_PAGE_SIZE, blocks, background });
}

/** What a reader gets from that page: its blocks' lines top to bottom, blank ones left out, spaces single. */
export function docPageText(kind: DocKind, seed: number): string {
  return docPageLayout(kind, seed)
    .blocks.flatMap((b) => b.lines)
    .map((l) => l.trim().replace(/ {2,}/g, ' '))
    .filter(Boolean)
    .join('\n');
}

function docPageLayout(kind: DocKind, seed: number): { blocks: PageBlock[]; background: string } {
  const rnd = seededRandom(seed * 7919 + DOC_KINDS.indexOf(kind));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const lang: Lang = pick(['en', 'zh', 'mixed'] as const);
  const say = (en: string, zh: string): string => (lang === 'en' ? en : lang === 'zh' ? zh : `${en} ${zh}`);
  const font = lang === 'zh' ? pick(FONTS.slice(4)) : pick(FONTS);
  const size = int(15, 19);
  const left = int(30, 70);
  const blocks: PageBlock[] = [];
  const block = (lines: string[], y: number, extra: Partial<PageBlock> = {}): void => {
    blocks.push({ lines, x: left, y, fontSize: size, font, ...extra });
  };
  const date = `2026-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;
  if (kind === 'invoice') {
    block([say('INVOICE', '发票')], int(30, 60), { fontSize: size + 10 });
    block(
      [
        `${say('Invoice No.', '发票号')} ${int(10000, 99999)}`,
        `${say('Date', '日期')} ${date}`,
        `${say('Bill to', '客户')} ${pick(lang === 'zh' ? CN_NAMES : NAMES)}`,
      ],
      120,
    );
    const rows: string[] = [];
    let total = 0;
    for (let i = int(3, 6); i > 0; i--) {
      const qty = int(1, 9);
      const price = int(2, 300);
      total += qty * price;
      rows.push(`${lang === 'zh' ? pick(CN_GOODS) : pick(GOODS)}   ${qty} x ${price}.00   ${qty * price}.00`);
    }
    block([say('Item   Qty   Price   Amount', '项目   数量   单价   金额'), ...rows], 250);
    const tax = Math.round(total * 0.13);
    block(
      [`${say('Subtotal', '小计')} ${total}.00`, `${say('Tax', '税额')} ${tax}.00`, `${say('Total due', '合计')} ${total + tax}.00`],
      int(480, 560),
      {
        x: 300,
      },
    );
  } else if (kind === 'letter') {
    block([pick(lang === 'zh' ? CN_NAMES : NAMES), `${int(1, 300)} ${pick(STATIONS)} Road`, date], int(30, 60), { x: 330 });
    block([lang === 'zh' ? `尊敬的${pick(CN_NAMES)}：` : `${say('Dear', '尊敬的')} ${pick(NAMES)},`], 170);
    const paragraph = (): string[] =>
      Array.from({ length: int(2, 3) }, () =>
        lang === 'zh' ? pick(CN_PROSE) : lang === 'en' ? pick(PROSE) : rnd() < 0.5 ? pick(PROSE) : pick(CN_PROSE),
      );
    block([...paragraph(), '', ...paragraph()], 220, { fontSize: size - 2 });
    block([say('Yours sincerely,', '此致 敬礼'), '', pick(lang === 'zh' ? CN_NAMES : NAMES)], int(520, 620));
  } else {
    block([`${say('Timetable', '时刻表')} ${say('Line', '线路')} ${int(1, 40)}`], int(30, 60), { fontSize: size + 8 });
    block([`${say('Valid from', '有效期自')} ${date}`, say('Monday to Friday', '周一至周五')], 110);
    const stations = Array.from({ length: int(5, 8) }, () => (lang === 'zh' ? pick(CN_STATIONS) : pick(STATIONS)));
    let minute = int(5 * 60, 8 * 60);
    const rows = stations.map((s) => {
      const times = Array.from({ length: 4 }, (_, k) => {
        const t = minute + k * int(20, 40);
        return `${String(Math.floor(t / 60) % 24).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
      });
      minute += int(3, 9);
      return `${s.padEnd(12)} ${times.join('  ')}`;
    });
    block([say('Station   Departures', '车站   发车时间'), ...rows], 190, { font: pick(['DejaVu Sans Mono', 'Liberation Mono', font]) });
    block([`${say('Platform', '站台')} ${int(1, 12)}`], int(560, 660));
  }
  return { blocks, background: pick(['#ffffff', '#fbfaf5', '#f6f6f2']) };
}

/** `perKind` pages of each kind under dir/<kind>/, seeds from `seed` on. */
export async function writeDocPages(dir: string, perKind: number, seed: number): Promise<void> {
  for (const kind of DOC_KINDS) {
    mkdirSync(join(dir, kind), { recursive: true });
    for (let i = 0; i < perKind; i++) writeFileSync(join(dir, kind, `${kind}-${i}.png`), await docPage(kind, seed + i));
  }
}
