// Counted nouns in the words Hearth speaks: the CLI in English, the console in English and Simplified Chinese.
// The one place that decides "1 file" against "2 files" (and "2 个文件"), so no output says "1 files".

export const COUNT_LANGUAGES = ['en', 'zh'] as const;
export type CountLanguage = (typeof COUNT_LANGUAGES)[number];

/** English singular and plural; Chinese has no plural, only a measure word before the noun. */
const NOUNS = {
  file: { en: ['file', 'files'], zh: '个文件' },
  image: { en: ['image', 'images'], zh: '张图片' },
  version: { en: ['version', 'versions'], zh: '个版本' },
  result: { en: ['result', 'results'], zh: '条结果' },
  'PDF page': { en: ['PDF page', 'PDF pages'], zh: '个 PDF 页面' },
} as const;
export type CountedNoun = keyof typeof NOUNS;

const englishRules = new Intl.PluralRules('en');

/** "1 file", "0 files", "3 个文件". */
export function countOf(n: number, noun: CountedNoun, lang: CountLanguage = 'en'): string {
  const forms = NOUNS[noun];
  if (lang === 'zh') return `${n} ${forms.zh}`;
  return `${n} ${englishRules.select(n) === 'one' ? forms.en[0] : forms.en[1]}`;
}
