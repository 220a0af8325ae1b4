// Documents in the console: a two-column page shows its blocks numbered in reading order, a page scanned
// sideways says how it was turned, and a PDF dropped on the zone gets a page switcher.
import { NEWSLETTER } from '../server/testkit/pages';
import { textPdf } from '../server/testkit/pdf';
import { expect, newsletterPage, nodeUrl, screenshot, squashed, test } from './fixtures';
import type { Page } from '@playwright/test';

test.beforeAll(async ({ request }) => {
  const res = await request.post(`${nodeUrl()}/v1/ocr`, {
    data: await textPdf([['warm up']]),
    headers: { 'content-type': 'application/pdf' },
  });
  expect(res.status()).toBe(200);
});

async function drop(page: Page, bytes: Buffer, name: string, type: string): Promise<void> {
  // Built in the page (browser code as a string: the e2e typecheck has no DOM lib), then dropped on the zone.
  const dataTransfer = await page.evaluateHandle(`(() => {
    const bytes = Uint8Array.from(atob(${JSON.stringify(bytes.toString('base64'))}), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} }));
    return dt;
  })()`);
  const zone = page.getByTestId('dropzone');
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

test('a sideways two-column page shows numbered blocks in reading order and the turn applied', async ({ page }) => {
  await page.goto('/#/recognise');
  await drop(page, await newsletterPage(90), 'newsletter.png', 'image/png');
  const blocks = page.getByTestId('ocr-block');
  await expect(blocks).toHaveCount(4, { timeout: 60_000 });
  expect(await blocks.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual([
    'heading',
    'paragraph',
    'paragraph',
    'footer',
  ]);
  // Numbered in reading order.
  expect(await blocks.locator('.block-number').allTextContents()).toEqual(['1', '2', '3', '4']);
  const texts = (await page.getByTestId('ocr-line-text').allTextContents()).map(squashed);
  expect(texts).toEqual([NEWSLETTER.title, ...NEWSLETTER.left, ...NEWSLETTER.right, NEWSLETTER.footer].map(squashed));
  await expect(page.getByTestId('ocr-rotation')).toContainText('270°');
  await screenshot(page, 'documents-blocks');
});

test('a dropped PDF gets a page switcher that shows each page', async ({ page }) => {
  await page.goto('/#/recognise');
  await drop(page, await textPdf([['Delivery terms'], ['Payment within 30 days']]), 'terms.pdf', 'application/pdf');
  const switcher = page.getByTestId('page-switcher');
  await expect(switcher.getByRole('button')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId('ocr-line-text')).toHaveText(['Delivery terms']);
  await switcher.getByRole('button').nth(1).click();
  await expect(page.getByTestId('ocr-line-text')).toHaveText(['Payment within 30 days']);
  await screenshot(page, 'documents-pdf');
});
