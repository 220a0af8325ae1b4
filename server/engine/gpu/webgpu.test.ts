// WebGPU through ONNX Runtime on SwiftShader (the software Vulkan driver Debian's chromium ships): the same
// text as the CPU, the measured choice keeping the CPU over a software GPU, a forced webgpu that runs, and
// broken Vulkan setups that fall back to the CPU with one warning. SwiftShader is 30–300× slower than the
// CPU, so the images are small and few.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { createNode, type HearthNode } from '../../node';
import { APP_ROOT } from '../../paths';
import { renderText } from '../../testkit/renderText';
import { createEngine, type Engine } from '../index';
import { chooseProvider } from '../providerChoice';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const hasSwiftShader = existsSync(SWIFTSHADER_ICD);
if (!hasSwiftShader) {
  process.stdout.write(`skipping the WebGPU tests: ${SWIFTSHADER_ICD} is absent (apt-get install chromium libvulkan1)\n`);
} else {
  // Read by the Vulkan loader in this process, its threads and the processes it starts.
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
}

const LINES = [['Invoice 2024'], ['Total 17.50 EUR']];
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hearth-webgpu-'));
  dirs.push(d);
  return d;
};
let images: Buffer[] = [];

beforeAll(async () => {
  // One canvas size for all: the detector then sees one input shape, and SwiftShader compiles its kernels once.
  images = await Promise.all(
    LINES.map(async (lines) =>
      sharp(await renderText({ lines, fontSize: 22, padding: 8 }))
        .resize({ width: 256, height: 64, fit: 'contain', background: '#ffffff' })
        .flatten({ background: '#ffffff' })
        .png()
        .toBuffer(),
    ),
  );
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!hasSwiftShader)('WebGPU on SwiftShader', () => {
  let cpu: Engine | undefined;
  let node: HearthNode | undefined;

  afterAll(async () => {
    await cpu?.close();
    await node?.close();
  }, 300_000);

  it('runs a forced webgpu through the node and reads the same text as the CPU', async () => {
    cpu = await createEngine({ workers: 1, queueDepth: 8, cacheEntries: 0, providers: ['cpu'] });
    node = await createNode(loadConfig({ dataDir: tempDir(), engine: { provider: 'webgpu', workers: 2 } }, {}));
    const gpu = node.services.engine;
    expect(gpu.providers[0]).toBe('webgpu');
    expect(node.services.providerChoice.why).toMatch(/forced/);
    // Both images at once: the session thread may batch their inputs together.
    const [onGpu, onCpu] = await Promise.all([
      Promise.all(images.map((i) => gpu.ocr(i))),
      Promise.all(images.map((i) => (cpu as Engine).ocr(i))),
    ]);
    for (let i = 0; i < images.length; i++) {
      expect(onGpu[i].provider).toBe('webgpu');
      expect(onCpu[i].provider).toBe('cpu');
      expect(onGpu[i].text).toBe(onCpu[i].text);
      expect(onGpu[i].text.replace(/\s+/g, '')).toBe(LINES[i].join('').replace(/\s+/g, ''));
    }
  }, 600_000);

  it('measures SwiftShader slower than the CPU, chooses the CPU and keeps the result', async () => {
    const dataDir = tempDir();
    const choice = await chooseProvider({ dataDir, candidates: ['webgpu', 'cpu'] });
    expect(choice.provider).toBe('cpu');
    expect(choice.why).toMatch(/measured fastest/);
    const [webgpu, cpuReport] = choice.providers;
    expect(webgpu).toMatchObject({ name: 'webgpu', available: true, chosen: false });
    expect(webgpu.reason ?? '').toMatch(/slower/);
    expect(cpuReport).toMatchObject({ name: 'cpu', available: true, chosen: true });
    expect(cpuReport.ms).toBeGreaterThan(0);
    const kept = JSON.parse(readFileSync(join(dataDir, 'providers.json'), 'utf8')) as { provider: string };
    expect(kept.provider).toBe('cpu');
    const again = await chooseProvider({ dataDir, candidates: ['webgpu', 'cpu'] });
    expect(again).toMatchObject({ provider: 'cpu', cached: true });
  }, 600_000);

  /** `hearth ocr --provider webgpu` on one image with a Vulkan setup of the test's making. */
  function ocrWithVulkan(icd: string): { stderr: string; results: { provider: string; text: string }[]; status: number | null } {
    const dir = tempDir();
    const image = join(dir, 'line.png');
    writeFileSync(image, images[0]);
    const run = spawnSync(
      process.execPath,
      [join(APP_ROOT, 'bin', 'hearth.js'), 'ocr', image, '--provider', 'webgpu', '--data', join(dir, 'data')],
      {
        env: { ...process.env, VK_ICD_FILENAMES: icd, HEARTH_LOG_CONSOLE: '1', HEARTH_STORE_KEY: 'test-key-webgpu' },
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    const results = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { provider: string; text: string });
    return { stderr: run.stderr, results, status: run.status };
  }

  it('falls back to the CPU with one warning when the Vulkan driver file is missing', () => {
    const r = ocrWithVulkan('/nonexistent/vulkan_icd.json');
    expect(r.status).toBe(0);
    expect(r.results[0]).toMatchObject({ provider: 'cpu' });
    expect(r.stderr.match(/running on the CPU: /g)).toHaveLength(1);
    expect(r.stderr).toMatch(/running on the CPU: WebGPU failed to start: no Vulkan driver: \/nonexistent\/vulkan_icd\.json/);
  }, 300_000);

  it('falls back to the CPU with one warning when the Vulkan driver does not load', () => {
    // A driver manifest whose library is not there: the loader finds no driver and WebGPU gets no adapter.
    const manifest = join(tempDir(), 'broken_icd.json');
    writeFileSync(
      manifest,
      JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: '/nonexistent/libvk_broken.so', api_version: '1.0.5' } }),
    );
    const r = ocrWithVulkan(manifest);
    expect(r.status).toBe(0);
    expect(r.results[0]).toMatchObject({ provider: 'cpu' });
    expect(r.stderr.match(/running on the CPU: /g)).toHaveLength(1);
    expect(r.stderr).toMatch(/running on the CPU: WebGPU failed to start: .*adapter/i);
  }, 300_000);
});
