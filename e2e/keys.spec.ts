// Team node keys: create a key in the console (shown once), use it over HTTP, revoke it and see it refused.
import { expect, nodeUrl, screenshot, test, textImage } from './fixtures';

test('create a key, use it over HTTP, revoke it', async ({ page, request, consoleErrors }) => {
  const name = `e2e-bot-${Date.now() % 100_000}`;
  await page.goto('/#/team');
  await page.getByTestId('key-name').fill(name);
  await page.getByTestId('key-create').click();
  const secret = (await page.getByTestId('key-secret').textContent())?.trim() ?? '';
  expect(secret.length).toBeGreaterThan(16);
  await expect(page.getByTestId(`key-row-${name}`)).toBeVisible();
  await screenshot(page, 'team-key-created');

  const image = await textImage(['Key test']);
  const ok = await request.post(`${nodeUrl()}/v1/ocr`, {
    data: image,
    headers: { 'content-type': 'image/png', authorization: `Bearer ${secret}` },
  });
  expect(ok.status()).toBe(200);

  await page.getByTestId(`key-revoke-${name}`).click();
  await expect(page.getByTestId(`key-row-${name}`)).toContainText(/revoked/i);
  const refused = await request.post(`${nodeUrl()}/v1/ocr`, {
    data: image,
    headers: { 'content-type': 'image/png', authorization: `Bearer ${secret}` },
  });
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  expect(consoleErrors).toEqual([]);
});
