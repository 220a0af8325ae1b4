// Training: a dataset folder on the node, a classifier trained from the console on an imported backbone, its
// report, a second run activated with a click, and the trained model classifying over HTTP.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { colourClassifier, solidPng } from '../server/testkit/onnx';
import { expect, nodeUrl, screenshot, test } from './fixtures';

test('train a classifier, read its report, activate it, classify with it', async ({ page, request, consoleErrors }) => {
  const folder = mkdtempSync(join(tmpdir(), 'hearth-e2e-dataset-'));
  for (const [label, base] of [
    ['warm', [230, 60, 30]],
    ['cool', [30, 90, 230]],
  ] as const) {
    mkdirSync(join(folder, label));
    for (let i = 0; i < 8; i++)
      writeFileSync(join(folder, label, `${i}.png`), await solidPng([base[0] - i * 6, base[1] + i * 8, base[2] - i * 4], 24));
  }
  const form = new FormData();
  form.set('model', new Blob([new Uint8Array(colourClassifier({ size: 16 }))]), 'backbone.onnx');
  form.set('labels', new Blob(['red\ngreen\nblue\n']), 'labels.txt');
  form.set('manifest', JSON.stringify({ name: 'rgb-backbone', task: 'classify', preprocess: { size: [16, 16] } }));
  expect((await fetch(`${nodeUrl()}/v1/models`, { method: 'POST', body: form })).status).toBe(201);

  const name = `temperature-${Date.now() % 100_000}`;
  const train = async (): Promise<void> => {
    await page.goto('/#/training');
    await page.getByTestId('train-folder').fill(folder);
    await page.getByTestId('train-name').fill(name);
    await page.getByTestId('train-kind').selectOption('image');
    await page.getByTestId('train-backbone').selectOption('rgb-backbone');
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('train-run')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  };
  await train();
  await expect(page.getByTestId('train-accuracy')).toContainText('100.0 %');
  await expect(page.getByTestId('train-confusion')).toContainText('warm');
  await expect(page.getByTestId('train-active')).toBeVisible();
  await train();
  await expect(page.getByTestId('train-report')).toContainText('active version 1');
  await page.getByTestId('train-activate').click();
  await expect(page.getByTestId('train-active')).toBeVisible();
  await screenshot(page, 'training-report');

  const model = (await (await request.get(`${nodeUrl()}/v1/models/${name}`)).json()) as { activeVersion: number };
  expect(model.activeVersion).toBe(2);
  const answer = await request.post(`${nodeUrl()}/v1/classify?model=${name}`, {
    data: Buffer.from(await solidPng([245, 70, 40], 24)),
    headers: { 'content-type': 'image/png' },
  });
  const body = (await answer.json()) as { labels: { label: string }[] };
  expect(answer.status(), JSON.stringify(body)).toBe(200);
  expect(body.labels[0].label).toBe('warm');
  expect(consoleErrors).toEqual([]);
});
