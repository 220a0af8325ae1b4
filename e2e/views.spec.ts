// Every view renders at 1280×800 without console errors (screenshot of each saved); node facts the views show;
// 中文 changes the navigation.
import { join } from 'node:path';
import { expect, screenshot, settled, test } from './fixtures';

/** The sidebar's views (renderer/src/views.ts), listed here so the node-side typecheck never pulls in the renderer. */
const VIEWS = ['dashboard', 'recognise', 'jobs', 'history', 'models', 'team', 'monitoring', 'cluster', 'settings'].map((id) => ({ id }));

for (const view of VIEWS) {
  test(`${view.id} renders without console errors`, async ({ page, consoleErrors }) => {
    await page.goto(`/#/${view.id}`);
    await expect(page.getByTestId(`nav-${view.id}`)).toHaveAttribute('aria-current', 'page');
    await expect(page.locator('main.content')).toHaveAttribute('data-view', view.id);
    await settled(page);
    await screenshot(page, `view-${view.id}`);
    expect(consoleErrors).toEqual([]);
    // An error panel means the view's main request failed: that is a broken view, not an empty one.
    await expect(page.locator('.state-error')).toHaveCount(0);
  });
}

test('settings show the node data directory, monitoring the alert thresholds', async ({ page, consoleErrors }) => {
  await page.goto('/#/settings');
  await expect(page.getByTestId('settings-data-dir')).toHaveText(join(process.env.HEARTH_E2E_DATA!, 'node'));
  await page.getByTestId('nav-monitoring').click();
  await expect(page.getByTestId('alert-thresholds').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('alert-thresholds')).toContainText('p95 ≥ 2000');
  expect(consoleErrors).toEqual([]);
});

test('switching to 中文 changes the navigation labels, and the choice sticks', async ({ page, consoleErrors }) => {
  await page.goto('/#/dashboard');
  await expect(page.getByTestId('nav-dashboard')).toHaveText(/Dashboard/);
  await page.getByTestId('language-select').selectOption('zh');
  await expect(page.getByTestId('nav-dashboard')).toHaveText(/仪表盘/);
  await expect(page.getByTestId('nav-recognise')).toHaveText(/识别/);
  await expect(page.getByTestId('nav-settings')).toHaveText(/设置/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await settled(page);
  await screenshot(page, 'view-dashboard-zh');
  await page.reload();
  await expect(page.getByTestId('nav-jobs')).toHaveText(/任务/);
  expect(consoleErrors).toEqual([]);
});

test('the theme toggle switches light and dark', async ({ page }) => {
  await page.goto('/#/dashboard');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', /^(light|dark)$/);
  const before = await html.getAttribute('data-theme');
  await page.getByTestId('theme-toggle').click();
  await expect(html).toHaveAttribute('data-theme', before === 'dark' ? 'light' : 'dark');
  if (before === 'dark') await page.getByTestId('theme-toggle').click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await settled(page);
  await screenshot(page, 'view-dashboard-dark');
});
