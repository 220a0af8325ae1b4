// Models: import a tiny ONNX classifier through the console, classify an image with it on Recognise (labels with
// confidence bars), see its engine time on Monitoring, import a second version, roll back to the first, unload
// and load it, export the bundle.
import { colourClassifier, solidPng } from '../server/testkit/onnx';
import { expect, screenshot, test } from './fixtures';

const LABELS = Buffer.from('red\ngreen\nblue\n');

interface Preprocessing {
  mean: string;
  std: string;
  layout: 'NCHW' | 'NHWC';
}

async function importVersion(page: import('@playwright/test').Page, order: [number, number, number], pre?: Preprocessing): Promise<void> {
  await page.getByTestId('import-name').fill('colours');
  await page.getByTestId('import-size').fill('32,32');
  await page.getByTestId('import-mean').fill(pre?.mean ?? '');
  await page.getByTestId('import-std').fill(pre?.std ?? '');
  await page.getByTestId('import-layout').selectOption(pre?.layout ?? 'NCHW');
  await page
    .getByTestId('import-model')
    .setInputFiles({ name: 'colours.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(colourClassifier({ order })) });
  await page.getByTestId('import-labels').setInputFiles({ name: 'labels.txt', mimeType: 'text/plain', buffer: LABELS });
  await page.getByTestId('import-submit').click();
}

test('import a classifier, classify with it, roll back, unload and load, export', async ({ page, consoleErrors }) => {
  await page.goto('/#/models');
  await importVersion(page, [0, 1, 2]);
  const row = page.getByTestId('model-row-colours');
  await expect(row).toContainText('classify');
  await expect(row).toContainText('v1');
  // The size stays on one line, digits aligned.
  const size = row.locator('td').nth(5);
  await expect(size).toHaveText(/^\d+(\.\d)? (MB|kB)$/);
  await expect(size).toHaveCSS('white-space', 'nowrap');

  await page.getByTestId('nav-recognise').click();
  await page.getByTestId('recognise-mode').selectOption('classify');
  await expect(page.getByTestId('recognise-model')).toHaveValue('colours');
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: Buffer.from(await solidPng([255, 0, 0])) });
  const labels = page.getByTestId('labels').locator('li');
  await expect(labels.first()).toContainText('red');
  await expect(labels).toHaveCount(3);
  await screenshot(page, 'recognise-classify');

  // The monitor samples every 5 s and the view polls as often: the model's line shows within two rounds.
  await page.getByTestId('nav-monitoring').click();
  await expect(page.getByTestId('chart-mon.perModel')).toContainText('colours', { timeout: 20_000 });

  // Version 2 feeds red into "green"; rolling back makes red "red" again.
  await page.getByTestId('nav-models').click();
  await importVersion(page, [1, 2, 0], { mean: '0.5,0.5,0.5', std: '0.25,0.25,0.25', layout: 'NCHW' });
  await expect(row).toContainText('v2');
  // The form's preprocessing reached the manifest, as --mean/--std/--layout do on the CLI.
  const v2 = (await (await page.request.get('/v1/models/colours')).json()) as { preprocess: Record<string, unknown> };
  expect(v2.preprocess).toMatchObject({ size: [32, 32], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], layout: 'NCHW' });
  await page.getByTestId('model-rollback-colours').selectOption('1');
  await expect(row.locator('td').nth(2)).toHaveText('v1');
  await screenshot(page, 'models-imported');

  // Version 1 ran above, so it is loaded; unloading releases it on the workers, loading warms it again.
  const state = row.locator('td').nth(4);
  await expect(state).toHaveText('loaded');
  await page.getByTestId('model-unload-colours').click();
  await expect(state).toHaveText('not loaded');
  await page.getByTestId('model-load-colours').click();
  await expect(state).toHaveText('loaded');

  const download = page.waitForEvent('download');
  await page.getByTestId('model-export-colours').click();
  expect((await download).suggestedFilename()).toBe('colours.tar');
  expect(consoleErrors).toEqual([]);
});
