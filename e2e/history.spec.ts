// History: a result stored through the API is found by searching its text and opens with its image and boxes.
import { expect, nodeUrl, screenshot, squashed, test, textImage } from './fixtures';

test('full-text search finds a stored result and opens it', async ({ page, request, consoleErrors }) => {
  const word = `Zephyr${Date.now() % 10_000}`;
  const res = await request.post(`${nodeUrl()}/v1/ocr`, {
    data: await textImage([`Quarterly report ${word}`, 'Second line here']),
    headers: { 'content-type': 'image/png' },
  });
  expect(res.status()).toBe(200);
  const recognised = (await res.json()) as { lines: { text: string }[] };
  // Search what the engine actually read (its first line, with the unique number), so an OCR slip or spacing
  // does not fail a console test.
  const needle = recognised.lines[0].text;
  expect(squashed(needle)).toContain('quarterly');

  await page.goto('/#/history');
  await page.getByTestId('history-search').fill(needle);
  const results = page.getByTestId('history-results').locator('li');
  await expect(results).toHaveCount(1, { timeout: 10_000 });
  await expect(results.first()).toContainText(needle);
  await expect(page.getByTestId('history-total')).toHaveText('1 result');
  await screenshot(page, 'history-search');

  await results.first().locator('button').click();
  const dialog = page.getByRole('dialog');
  await expect.poll(async () => squashed(await dialog.getByTestId('ocr-line-text').first().textContent())).toContain('quarterly');
  await expect(dialog.getByTestId('ocr-boxes').locator('polygon')).toHaveCount(2);
  await screenshot(page, 'history-result');

  await page.keyboard.press('Escape');
  await page.getByTestId('history-search').fill(`nothing${word}nothing`);
  await expect(page.getByText('No stored results match.')).toBeVisible();
  expect(consoleErrors).toEqual([]);
});
