// `hearth train` as a process: the JSON report, the version it adds (inactive when the model had one), and the
// usage errors.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelRepository } from '../engine/models/repository';
import { colourClassifier, solidPng } from '../testkit/onnx';

let root: string;
const hearth = (args: string[]): ReturnType<typeof spawnSync> =>
  spawnSync(process.execPath, ['bin/hearth.js', ...args, '--data', join(root, 'data')], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-train-cli-'));
  // The colour classifier's pooled channel means are a 3-number embedding; teach it warm vs cool colours.
  await openModelRepository({ dataDir: join(root, 'data') }).import({
    model: colourClassifier({ size: 16 }),
    manifest: { name: 'colours', task: 'classify', preprocess: { size: [16, 16] } },
    labels: 'red\ngreen\nblue\n',
  });
  const shades: Record<string, [number, number, number][]> = {
    warm: [
      [250, 40, 30],
      [230, 120, 20],
      [200, 60, 90],
      [240, 180, 40],
      [180, 30, 30],
      [255, 90, 60],
      [210, 140, 70],
      [190, 80, 20],
    ],
    cool: [
      [30, 60, 240],
      [20, 200, 220],
      [60, 180, 120],
      [40, 90, 180],
      [10, 140, 90],
      [90, 120, 250],
      [30, 220, 160],
      [70, 70, 200],
    ],
  };
  for (const [label, list] of Object.entries(shades)) {
    mkdirSync(join(root, 'set', label), { recursive: true });
    for (const [i, rgb] of list.entries()) writeFileSync(join(root, 'set', label, `${i}.png`), await solidPng(rgb, 24));
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('hearth train', () => {
  it('prints the report as JSON and adds a version that waits for activation', () => {
    const first = hearth(['train', join(root, 'set'), '--name', 'temperature', '--backbone', 'colours', '--json']);
    expect(first.status, String(first.stderr)).toBe(0);
    const report = JSON.parse(String(first.stdout)) as {
      accuracy: number;
      perLabel: Record<string, unknown>;
      version: number;
      active: boolean;
    };
    expect(report.accuracy).toBe(1);
    expect(Object.keys(report.perLabel)).toEqual(['cool', 'warm']);
    expect(report).toMatchObject({ version: 1, active: true });
    const second = hearth(['train', join(root, 'set'), '--name', 'temperature', '--backbone', 'colours', '--seed', '5']);
    expect(second.status).toBe(0);
    expect(String(second.stdout)).toMatch(/version 2 \(not active: hearth models activate temperature 2\)/);
    expect(String(second.stdout)).toMatch(/validation accuracy 100\.0 % \(active version 1: 100\.0 %\)/);
    expect(hearth(['models', 'activate', 'temperature', '2']).status).toBe(0);
    expect(openModelRepository({ dataDir: join(root, 'data') }).get('temperature').activeVersion).toBe(2);
  });

  it('says what is missing', () => {
    const noBackbone = hearth(['train', join(root, 'set'), '--name', 'x', '--embedding', 'features']);
    expect(noBackbone.status).toBe(2);
    expect(String(noBackbone.stderr)).toMatch(/--backbone/);
    const missing = hearth(['train', join(root, 'nowhere'), '--name', 'x', '--backbone', 'colours']);
    expect(missing.status).toBe(1);
    expect(String(missing.stderr)).toMatch(/cannot read the dataset folder/);
  });
});
