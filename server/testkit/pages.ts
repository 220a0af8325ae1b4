// Whole test pages with real-world content, shared by the layout, orientation, PDF and export tests.
import { renderPage } from './renderPage';

export const NEWSLETTER = {
  title: 'Riverside Community News',
  left: [
    'The allotment committee met on',
    'Tuesday to discuss the new water',
    'tanks. Members agreed to share',
    'the cost of two tanks this spring.',
  ],
  right: [
    'The library will open late on',
    'Thursdays from March, until eight',
    'in the evening. Volunteers are',
    'welcome to help with the shelves.',
  ],
  footer: 'Issue 42 - page 1',
};

/** A newsletter page: title, two columns, a centred footer; optionally scanned turned clockwise. */
export function newsletterPage(rotate: 0 | 90 | 180 | 270 = 0): Promise<Buffer> {
  return renderPage({
    width: 1100,
    height: 900,
    rotate,
    blocks: [
      { x: 60, y: 40, lines: [NEWSLETTER.title], fontSize: 40 },
      { x: 60, y: 140, lines: NEWSLETTER.left, fontSize: 24, lineGap: 10 },
      { x: 580, y: 140, lines: NEWSLETTER.right, fontSize: 24, lineGap: 10 },
      { x: 470, y: 850, lines: [NEWSLETTER.footer], fontSize: 18 },
    ],
  });
}

