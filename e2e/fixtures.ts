// Shared by the specs: the node's URL as baseURL, a console-error collector, and test images rendered on the spot.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test as base, expect, type Page } from '@playwright/test';
import type { RenderRequest } from './renderInput';

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

export function nodeUrl(): string {
  const url = process.env.HEARTH_E2E_URL;
  if (!url) throw new Error('HEARTH_E2E_URL is not set: run through playwright.config.ts (its globalSetup starts the node)');
  return url;
}

const RENDER_DEADLINE_MS = 20_000;
const RENDER_TRIES = 2;

/**
 * Renders test images in a child process. Pango's text rendering has hung once inside the test worker; a
 * stuck render thread then also kept the worker from exiting, so the whole run waited for the runner's
 * five-minute kill. In a child, a render that misses its deadline is killed and tried again.
 */
async function rendered(requests: RenderRequest[]): Promise<Buffer[]> {
  const script = join(process.cwd(), 'e2e', 'renderInput.ts');
  for (let attempt = 1; ; attempt++) {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, JSON.stringify(requests)], {
        maxBuffer: 256 << 20,
        timeout: RENDER_DEADLINE_MS,
        killSignal: 'SIGKILL',
      });
      return (JSON.parse(stdout) as string[]).map((b64) => Buffer.from(b64, 'base64'));
    } catch (err) {
      if (attempt >= RENDER_TRIES) throw err;
    }
  }
}

/** Lines of text as a PNG in real fonts (the renderer the engine's tests use). */
export async function textImage(lines: string[], fontSize = 32): Promise<Buffer> {
  return (await textImages([lines], fontSize))[0];
}

/** One PNG per entry, rendered together. */
export function textImages(images: string[][], fontSize = 32): Promise<Buffer[]> {
  return rendered(images.map((lines) => ['text', lines, fontSize]));
}

/** The two-column newsletter page of the engine's document tests, optionally scanned turned clockwise. */
export async function newsletterPage(rotate: 0 | 90 | 180 | 270 = 0): Promise<Buffer> {
  return (await rendered([['newsletter', rotate]]))[0];
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
