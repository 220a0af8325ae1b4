// `hearth models …` commands run in-process on a temp data dir: import, list, export, import elsewhere, rollback.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openModelRepository } from '../engine/models/repository';
import { colourClassifier } from '../testkit/onnx';
import { registerModels } from './models';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-cli-models-'));
  writeFileSync(join(dir, 'colours.onnx'), colourClassifier());
  writeFileSync(join(dir, 'labels.txt'), 'red\ngreen\nblue\n');
  writeFileSync(join(dir, 'permuted.txt'), 'blue\nred\ngreen\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one `hearth …` command line; returns stdout, stderr and the exit code the CLI would set. */
async function hearth(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command('hearth').exitOverride();
  registerModels(program);
  let out = '';
  let err = '';
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  program.configureOutput({ writeErr: (s) => (err += s), writeOut: (s) => (out += s) });
  process.exitCode = 0;
  let code: number;
  try {
    await program.parseAsync(['node', 'hearth', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch {
    code = 2; // commander parse errors are usage errors in server/cli.ts
  } finally {
    so.mockRestore();
    se.mockRestore();
    process.exitCode = 0;
  }
  return { out, err, code };
}

describe('hearth models', () => {
  it('imports, lists, exports to another data dir and rolls back', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const base = [join(dir, 'colours.onnx'), '--name', 'colours', '--task', 'classify', '--size', '32,32'];
    expect(await hearth('models', 'import', ...base, '--labels', join(dir, 'labels.txt'), '--data', a)).toMatchObject({
      out: 'imported colours version 1 (active)\n',
      code: 0,
    });
    const v2 = await hearth(
      'models',
      'import',
      ...base,
      '--labels',
      join(dir, 'permuted.txt'),
      '--mean',
      '0.5,0.5,0.5',
      '--std',
      '0.5,0.5,0.5',
      '--data',
      a,
    );
    expect(v2.out).toBe('imported colours version 2 (active)\n');
    expect(openModelRepository({ dataDir: a }).resolve('colours').manifest.preprocess?.mean).toEqual([0.5, 0.5, 0.5]);

    const list = await hearth('models', 'list', '--data', a);
    expect(list.out.split('\n')).toEqual([
      'ID\tTASK\tACTIVE\tVERSIONS\tSOURCE\tNAME',
      expect.stringMatching(/^pp-ocrv4\tocr\tv1\t\*1\tbundled\t/),
      'colours\tclassify\tv2\t1,*2\timported\tcolours',
      '',
    ]);

    // What a caller needs: input names, shapes and the preprocessing the node applies.
    const show = await hearth('models', 'show', 'colours', '--data', a);
    expect(show.out).toMatch(/^colours \(classify\): colours\nactive version: 2 of 2 versions\ninputs: \S+ float32 \[/);
    expect(show.out).toContain('preprocess: size 32,32, resize stretch, mean 0.5,0.5,0.5, std 0.5,0.5,0.5, layout NCHW, channels RGB\n');
    expect((await hearth('models', 'show', 'nothing-here', '--data', a)).code).toBe(1);

    expect((await hearth('models', 'rollback', 'colours', '1', '--data', a)).out).toBe('colours now serves version 1\n');
    expect(openModelRepository({ dataDir: a }).resolve('colours').labels[0]).toBe('red');

    const file = join(dir, 'colours.tar');
    expect((await hearth('models', 'export', 'colours', file, '--data', a)).out).toMatch(
      /^wrote colours\.tar \(colours version 1, \d+ bytes\)/,
    );
    expect((await hearth('models', 'import', file, '--data', b)).out).toBe('imported colours version 1 (active)\n');
    expect(openModelRepository({ dataDir: b }).resolve('colours').labels).toEqual(['red', 'green', 'blue']);
  });

  it('fails with exit 2 on bad usage and exit 1 on a bad model, with a reason', async () => {
    const d = join(dir, 'c');
    const noSize = await hearth(
      'models',
      'import',
      join(dir, 'colours.onnx'),
      '--name',
      'x',
      '--task',
      'classify',
      '--labels',
      join(dir, 'labels.txt'),
      '--data',
      d,
    );
    expect(noSize).toMatchObject({ code: 2, err: expect.stringMatching(/--size H,W is required/) });
    expect(
      (await hearth('models', 'import', join(dir, 'colours.onnx'), '--name', 'x', '--task', 'raw', '--size', '32', '--data', d)).code,
    ).toBe(2);
    const bad = await hearth('models', 'import', join(dir, 'labels.txt'), '--name', 'bad', '--task', 'raw', '--data', d);
    expect(bad).toMatchObject({ code: 1, err: expect.stringMatching(/ONNX Runtime cannot load this model/) });
    expect(await hearth('models', 'rollback', 'nothing', '2', '--data', d)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/no model "nothing"/),
    });
    // --layout in either case; an NHWC layout does not fit this NCHW model, and the node says why.
    const classify = [
      join(dir, 'colours.onnx'),
      '--name',
      'y',
      '--task',
      'classify',
      '--labels',
      join(dir, 'labels.txt'),
      '--size',
      '32,32',
      '--data',
      d,
    ];
    expect((await hearth('models', 'import', ...classify, '--layout', 'sideways')).code).toBe(2);
    expect(await hearth('models', 'import', ...classify, '--layout', 'nhwc')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/NHWC/),
    });
    expect((await hearth('models', 'import', ...classify, '--layout', 'nchw')).code).toBe(0);
  });
});
