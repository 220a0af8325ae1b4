// Recognise: an image dropped on the console (and one picked with the file input) shows its text and a box per line.
import { expect, nodeUrl, screenshot, squashed, test, textImage } from './fixtures';

test.beforeAll(async ({ request }) => {
  // The first recognition warms the models; the 5 s promise is about a warm node.
  const res = await request.post(`${nodeUrl()}/v1/ocr`, {
    data: await textImage(['warm up']),
    headers: { 'content-type': 'image/png' },
  });
  expect(res.status()).toBe(200);
});

test('a dropped image shows its text and boxes within 5 s', async ({ page, consoleErrors }) => {
  const png = await textImage(['HEARTH CONSOLE', 'Receipt 2026 total 42']);
  await page.goto('/#/recognise');
  await expect(page.getByTestId('dropzone')).toBeVisible();

  const started = Date.now();
  // Built in the page (browser code as a string: the e2e typecheck has no DOM lib), then dropped on the zone.
  const dataTransfer = await page.evaluateHandle(`(() => {
    const bytes = Uint8Array.from(atob(${JSON.stringify(png.toString('base64'))}), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'receipt.png', { type: 'image/png' }));
    return dt;
  })()`);
  const zone = page.getByTestId('dropzone');
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });

  const lines = page.getByTestId('ocr-line-text');
  await expect(lines).toHaveCount(2, { timeout: 5_000 });
  const elapsed = Date.now() - started;
  const texts = (await lines.allTextContents()).map(squashed);
  expect(texts[0]).toContain('hearth');
  expect(texts[1]).toContain('receipt');
  expect(texts[1]).toContain('42');
  await expect(page.getByTestId('ocr-boxes').locator('polygon')).toHaveCount(2);
  await expect(page.getByTestId('ocr-meta')).toContainText(/cpu|cuda|dml|coreml/);
  console.log(`recognise: text shown ${elapsed} ms after the drop`);
  await screenshot(page, 'recognise-result');

  const download = page.waitForEvent('download');
  await page.getByTestId('download-json').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('receipt.json');
  expect(consoleErrors).toEqual([]);
});

test('picking files recognises each and keeps a strip of them', async ({ page, consoleErrors }) => {
  await page.goto('/#/recognise');
  await page.getByTestId('file-input').setInputFiles([
    { name: 'one.png', mimeType: 'image/png', buffer: await textImage(['First page']) },
    { name: 'two.png', mimeType: 'image/png', buffer: await textImage(['Second page']) },
  ]);
  await expect(page.locator('.thumb')).toHaveCount(2);
  await expect(page.getByTestId('recognised')).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
  await page.locator('.thumb').nth(1).click();
  await expect
    .poll(async () => squashed(await page.getByTestId('ocr-line-text').first().textContent()), { timeout: 10_000 })
    .toContain('page');
  expect(consoleErrors).toEqual([]);
});

test('QR codes and barcodes mode reads a code with its box', async ({ page, request, consoleErrors }) => {
  // A code drawn by the node itself through Umi-OCR's API, then read back in the console.
  const made = await request.post(`${nodeUrl()}/api/qrcode`, {
    data: { text: 'https://hearth.example/invoice/2026-0417', options: { w: 240, h: 240 } },
  });
  const { code, data } = (await made.json()) as { code: number; data: string };
  expect(code).toBe(100);
  await page.goto('/#/recognise');
  await page.getByTestId('recognise-mode').selectOption('codes');
  await page.getByTestId('file-input').setInputFiles([{ name: 'qr.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(data, 'base64') }]);
  await expect(page.getByTestId('ocr-line-text')).toHaveText(['QRCode: https://hearth.example/invoice/2026-0417'], { timeout: 10_000 });
  await expect(page.getByTestId('ocr-boxes').locator('polygon')).toHaveCount(1);
  await screenshot(page, 'recognise-codes');
  expect(consoleErrors).toEqual([]);
});

test('the same image again is answered from the earlier run, and the console says so', async ({ page, consoleErrors }) => {
  const png = await textImage(['Same picture twice']);
  await page.goto('/#/recognise');
  await page.getByTestId('file-input').setInputFiles({ name: 'first.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByTestId('ocr-meta')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('ocr-meta')).not.toContainText('Reused');
  await page.getByTestId('file-input').setInputFiles({ name: 'again.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByTestId('ocr-meta')).toContainText('Reused', { timeout: 10_000 });
  await expect(page.getByTestId('ocr-meta')).toContainText('0 ms');
  expect(consoleErrors).toEqual([]);
});
