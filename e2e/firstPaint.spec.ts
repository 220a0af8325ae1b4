// What a person sees before the console has anything to show: the app's name and what it is waiting for,
// never a bare "Loading…".
import { expect, test } from './fixtures';

test('before its script runs, the page names the app and says the console is loading', async ({ page }) => {
  await page.route('**/assets/*.js', (route) => route.abort());
  await page.goto('/');
  await expect(page.locator('#root')).toHaveText('Hearth · loading the console…');
});

test('while the node has not answered yet, the console says it is connecting and waiting for it', async ({ page, consoleErrors }) => {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/v1/health', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await expect(page.getByTestId('node-status')).toHaveText('Connecting to the node…');
  await expect(page.locator('.state-loading')).toHaveText('Waiting for the node to answer…');
  release();
  await expect(page.getByTestId('node-status')).toHaveText('Node online');
  expect(consoleErrors).toEqual([]);
});
