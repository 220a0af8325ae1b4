// LAN mode through the console: the owner opens the node to the LAN from Team node, gets the owner key once and
// follows the node to its HTTPS URL; a fresh browser there is asked for a key and, with it, every view works,
// an image is recognised and a folder job (shared in Settings) runs with its progress streamed under the key.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, settled, squashed, test, textImage, textImages } from './fixtures';
import { startHearth, type HearthServer } from './hearthProcess';

let server: HearthServer;
let dataDir: string;

test.describe.configure({ mode: 'serial' });
test.use({ ignoreHTTPSErrors: true });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = join(process.env.HEARTH_E2E_DATA!, 'lan-node');
  server = await startHearth(['--host', '127.0.0.1', '--data', dataDir], { HEARTH_STORE_KEY: randomBytes(32).toString('hex') });
});

test.afterAll(async () => {
  await server?.stop();
});

let httpsUrl: string;
let ownerKey: string;

test('the owner opens the node to the LAN and follows it to HTTPS with the owner key', async ({ page }) => {
  await page.goto(`${server.url}/#/team`);
  const panel = page.getByTestId('node-panel');
  await expect(panel.getByText('Loopback only')).toBeVisible();
  await panel.getByRole('button', { name: 'Open to the LAN' }).click();
  const shown = page.getByTestId('owner-key');
  await expect(shown).toBeVisible({ timeout: 20_000 });
  ownerKey = ((await shown.locator('code').textContent()) ?? '').trim();
  expect(ownerKey.length).toBeGreaterThan(16);
  await shown.getByRole('button', { name: /Continue at https:/ }).click();
  await page.waitForURL(/^https:\/\//);
  httpsUrl = new URL(page.url()).origin;
  // The key travelled in the fragment and left the address bar.
  await expect.poll(() => page.url()).not.toContain('key=');
  await expect(page.getByTestId('node-panel').locator('.pill')).toHaveText('Open to the LAN');
  await expect(page.getByTestId('node-panel')).toContainText(/[0-9A-F]{2}(:[0-9A-F]{2}){31}/i);
  await settled(page);
});

test('a new browser is asked for a key, then everything works with it', async ({ page, consoleErrors }) => {
  expect(httpsUrl).toMatch(/^https:/);
  await page.goto(`${httpsUrl}/#/dashboard`);
  const prompt = page.getByRole('dialog', { name: 'API key needed' });
  await expect(prompt).toBeVisible();
  await prompt.locator('input[type="password"]').fill(ownerKey);
  await prompt.getByRole('button').click();
  await expect(prompt).toBeHidden();
  await expect(page.getByTestId('health-version')).toBeVisible();
  await settled(page);
  // The 401s before the key was given are expected console noise; from here on there must be none.
  consoleErrors.length = 0;

  for (const view of ['team', 'monitoring', 'history', 'models', 'settings']) {
    await page.getByTestId(`nav-${view}`).click();
    await settled(page);
    await expect(page.locator('.state-error')).toHaveCount(0);
  }

  await page.getByTestId('nav-recognise').click();
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'lan.png', mimeType: 'image/png', buffer: await textImage(['Team node 7781']) });
  await expect
    .poll(async () => squashed(await page.getByTestId('ocr-line-text').first().textContent()), { timeout: 15_000 })
    .toContain('7781');

  const folder = join(dataDir, 'lan-scans');
  mkdirSync(folder, { recursive: true });
  const pages = await textImages(
    [0, 1, 2, 3].map((i) => [`LAN page ${i}`]),
    24,
  );
  pages.forEach((png, i) => writeFileSync(join(folder, `lan-${i}.png`), png));
  // A key may only run jobs under the node's shared roots: share the folder in Settings first.
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-shared-roots').fill(folder);
  await page.getByTestId('settings-save').click();
  await expect(page.getByText('Saved')).toBeVisible();
  await page.getByTestId('nav-jobs').click();
  await page.getByTestId('job-path').fill(folder);
  await page.getByTestId('job-start').click();
  await expect(page.getByTestId('job-detail')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('job-progress')).toHaveAttribute('aria-valuenow', '4');
  expect(consoleErrors).toEqual([]);
});
