// Providers as data: the candidates per platform, what can be told about one without starting it, and the choice
// of the fastest measured candidate with the reason in words.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineCacheDir } from './cacheEntries';
import { chooseProvider, pickFastest } from './providerChoice';
import { choiceLine, platformCandidates, providerCandidates, unavailableReason } from './providers';

describe('providers', () => {
  it('lists the candidates per platform best first with cpu last', () => {
    expect(platformCandidates('linux')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(platformCandidates('win32')).toEqual(['dml', 'webgpu', 'cpu']);
    expect(platformCandidates('darwin')).toEqual(['coreml', 'webgpu', 'cpu']);
    expect(platformCandidates('aix')).toEqual(['cpu']);
    expect(providerCandidates(['webgpu', 'cpu'])).toEqual(['webgpu', 'cpu']);
    expect(providerCandidates()).toEqual(['cpu']);
  });

  it('says why a provider cannot run without starting it', () => {
    expect(unavailableReason('cpu')).toBeUndefined();
    expect(unavailableReason('gpu')).toMatch(/unknown execution provider "gpu"/);
    expect(unavailableReason('dml', {}, 'linux')).toMatch(/not available on linux/);
    expect(unavailableReason('webgpu', { VK_ICD_FILENAMES: '/missing/icd.json' }, 'linux')).toMatch(
      /no Vulkan driver: \/missing\/icd\.json/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'hearth-icd-'));
    try {
      const icd = join(dir, 'icd.json');
      writeFileSync(icd, '{}');
      expect(unavailableReason('webgpu', { VK_ICD_FILENAMES: icd }, 'linux')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('chooses the fastest measured candidate and says so', () => {
    const gpuWins = pickFastest([
      { name: 'cuda', available: false, reason: 'not installed', chosen: false },
      { name: 'webgpu', available: true, ms: 12.5, chosen: false },
      { name: 'cpu', available: true, ms: 300, chosen: false },
    ]);
    expect(gpuWins.provider).toBe('webgpu');
    expect(gpuWins.providers.map((p) => p.chosen)).toEqual([false, true, false]);
    expect(gpuWins.providers[2].reason).toMatch(/slower than webgpu/);
    expect(choiceLine(gpuWins)).toBe('running on WebGPU: measured fastest on the fixed OCR workload (webgpu 12.5 ms; cpu 300 ms)');

    const softwareLoses = pickFastest([
      { name: 'webgpu', available: true, reason: 'slower than the CPU: the fixed OCR workload took longer than 42 s', chosen: false },
      { name: 'cpu', available: true, ms: 300, chosen: false },
    ]);
    expect(softwareLoses.provider).toBe('cpu');
    expect(choiceLine(softwareLoses)).toMatch(/^running on the CPU: measured fastest .*webgpu slower than the CPU/);

    const cpuOnly = pickFastest([
      { name: 'webgpu', available: false, reason: 'no Vulkan driver is installed', chosen: false },
      { name: 'cpu', available: true, chosen: false },
    ]);
    expect(choiceLine(cpuOnly)).toBe('running on the CPU: no GPU provider is available here (webgpu: no Vulkan driver is installed)');
  });

  it('measures in processes that leave the engine its prepared graphs in the data dir, owner-only', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-measure-'));
    try {
      const choice = await chooseProvider({ dataDir, candidates: ['cpu'], full: true });
      expect(choice.provider).toBe('cpu');
      expect(choice.providers[0].ms).toBeGreaterThan(0);
      const dir = engineCacheDir(dataDir);
      const files = readdirSync(dir);
      // Rewritten graphs and ONNX Runtime's optimised ones for this CPU: detection, direction, recognition.
      expect(files.filter((f) => f.endsWith('.graph'))).toHaveLength(3);
      expect(files.filter((f) => f.endsWith('.ort'))).toHaveLength(3);
      for (const f of ['.', ...files]) expect(statSync(join(dir, f)).mode & 0o077).toBe(0);
      // A cache that cannot be made (a file in its way) costs the measurement nothing but the cache.
      const blocked = join(dataDir, 'blocked');
      mkdirSync(blocked);
      writeFileSync(join(blocked, 'cache'), 'not a folder');
      const measured = await chooseProvider({ dataDir: blocked, candidates: ['cpu'], full: true });
      expect(measured.providers[0].ms).toBeGreaterThan(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
