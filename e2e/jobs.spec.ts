// Jobs: a folder job started from the console runs to completion with a moving progress bar and exports jsonl.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, screenshot, squashed, test, textImages } from './fixtures';

const FILES = 16;

test('a folder job shows moving progress, completes and exports', async ({ page, consoleErrors }) => {
  const folder = join(process.env.HEARTH_E2E_DATA!, 'scans');
  mkdirSync(join(folder, 'sub'), { recursive: true });
  const pages = await textImages(
    Array.from({ length: FILES }, (_, i) => [`Page number ${i}`, 'Hearth folder job']),
    26,
  );
  pages.forEach((png, i) => writeFileSync(join(i % 4 === 0 ? join(folder, 'sub') : folder, `page-${i}.png`), png));
  writeFileSync(join(folder, 'broken.png'), 'this is not an image');

  await page.goto('/#/jobs');
  // Record every value the progress bar shows, from the first render on, inside the page.
  // Browser code as a string: the e2e typecheck has no DOM lib.
  await page.evaluate(`(() => {
    const seen = [];
    window.__progress = seen;
    new MutationObserver(() => {
      const v = document.querySelector('[data-testid="job-progress"]')?.getAttribute('aria-valuenow');
      if (v != null && seen.at(-1) !== v) seen.push(v);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  })()`);
  await page.getByTestId('job-path').fill(folder);
  await page.getByTestId('job-start').click();

  const detail = page.getByTestId('job-detail');
  await expect(detail).toBeVisible();
  await expect(detail).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
  const progress = page.getByTestId('job-progress');
  await expect(progress).toHaveAttribute('aria-valuemax', String(FILES + 1));
  await expect(progress).toHaveAttribute('aria-valuenow', String(FILES + 1));
  const seen = ((await page.evaluate('window.__progress')) as string[]).map(Number);
  const intermediate = seen.filter((v) => v > 0 && v < FILES + 1);
  console.log(`jobs: progress values seen ${JSON.stringify(seen)}`);
  expect(intermediate.length).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('job-items')).toContainText('broken.png');
  // Natural order: page-2 before page-10, sub/ after the top-level files.
  const top = [1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15].map((i) => `page-${i}.png`);
  const sub = [0, 4, 8, 12].map((i) => `sub/page-${i}.png`);
  await expect(page.getByTestId('job-items').locator('td.mono')).toHaveText(['broken.png', ...top, ...sub]);
  await screenshot(page, 'jobs-done');
  await page.getByTestId('jobs-failed-only').check();
  await expect(page.getByTestId('job-items').locator('td.mono')).toHaveText(['broken.png']);
  await page.getByTestId('jobs-failed-only').uncheck();
  await expect(page.getByTestId('job-counts')).toHaveText(`${FILES + 1} files · Done: ${FILES} · Failed: 1 · Reused: 0`);

  const download = page.waitForEvent('download');
  await page.getByTestId('export-jsonl').click();
  const file = await download;
  const lines = readFileSync(await file.path(), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { file: string; text?: string; error?: unknown });
  expect(lines).toHaveLength(FILES + 1);
  expect(lines.filter((l) => l.error)).toHaveLength(1);
  expect(squashed(lines.find((l) => l.file.endsWith('page-3.png'))?.text)).toContain('pagenumber3');

  // The same folder again: nothing runs again, and the console says every file was reused.
  await page.getByTestId('job-start').click();
  await expect(page.getByTestId('job-counts')).toHaveText(`${FILES + 1} files · Done: ${FILES} · Failed: 1 · Reused: ${FILES + 1}`, {
    timeout: 30_000,
  });
  await expect(page.getByTestId('job-items').locator('tr').first()).toContainText('Reused');
  expect(consoleErrors).toEqual([]);
});
