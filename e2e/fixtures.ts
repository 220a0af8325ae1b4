// Shared by the specs: the node's URL as baseURL, a console-error collector, and test images rendered on the spot.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { renderText } from '../server/testkit/renderText';

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

export function nodeUrl(): string {
  const url = process.env.HEARTH_E2E_URL;
  if (!url) throw new Error('HEARTH_E2E_URL is not set: run through playwright.config.ts (its globalSetup starts the node)');
  return url;
}

/** Renders lines of text to a PNG with real fonts (the same renderer the engine's tests use). */
export function textImage(lines: string[], fontSize = 32): Promise<Buffer> {
  return renderText({ lines, fontSize });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

interface Fixtures {
  /** Console errors and uncaught page errors seen so far on this page. */
  consoleErrors: string[];
}

export const test = base.extend<Fixtures>({
  baseURL: async ({}, use) => use(nodeUrl()),
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`${msg.text()} @ ${msg.location().url}`);
    });
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    await use(errors);
  },
});

export { expect };

/** Waits until a view has no loading spinner left (its data, empty or error state is shown). */
export async function settled(page: Page): Promise<void> {
  await expect(page.locator('.state-loading')).toHaveCount(0, { timeout: 15_000 });
}

/** Text without whitespace, lower-cased: OCR spacing is not what the console specs test. */
export function squashed(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, '').toLowerCase();
}
