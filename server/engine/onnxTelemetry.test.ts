// ONNX Runtime's telemetry stays off however the node starts it: `hearth ocr` (engine worker threads) and a
// session made on the main thread leave no device identifier or event store in the home folder, where the same
// runtime left alone writes them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempRoot } from '../testkit/cluster';
import { renderText } from '../testkit/renderText';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'hearth.js');
/** The environment variables ONNX Runtime 1.30 takes as a CI or test run, where it sends no telemetry anyway. */
const CI_VARIABLES = [
  'CI',
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'TF_BUILD',
  'JENKINS_URL',
  'TRAVIS',
  'CIRCLECI',
  'BUILDKITE',
  'TEAMCITY_VERSION',
  'CODEBUILD_BUILD_ID',
  'BITBUCKET_BUILD_NUMBER',
  'ORT_RUNNING_UNIT_TESTS',
];

describe('ONNX Runtime telemetry', () => {
  const tmp = tempRoot('hearth-ort-telemetry-');
  afterAll(() => tmp.cleanup());

  /**
   * A process environment with its own home folder, no opt-out of the caller's, and none of the variables by which
   * ONNX Runtime recognises a CI machine and keeps quiet by itself (CI=true on ours).
   */
  function homeEnv(name: string): { env: NodeJS.ProcessEnv; reported: () => boolean } {
    const home = join(tmp.root, name);
    mkdirSync(home, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    for (const v of ['ORT_DISABLE_TELEMETRY', 'XDG_CACHE_HOME', ...CI_VARIABLES]) delete env[v];
    return { env, reported: () => existsSync(join(home, '.cache', 'Microsoft')) };
  }

  it('is on in the runtime left alone (so the checks below can tell)', () => {
    const { env, reported } = homeEnv('plain');
    const r = spawnSync(process.execPath, ['-e', "require('onnxruntime-node/dist/binding.js').initOrt()"], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(reported()).toBe(true);
  });

  it('is off for `hearth ocr`, whose sessions live in engine worker threads', async () => {
    const { env, reported } = homeEnv('cli');
    const image = join(tmp.root, 'line.png');
    writeFileSync(image, await renderText({ lines: ['private text'], fontSize: 24 }));
    const r = spawnSync(process.execPath, [BIN, 'ocr', image, '--local', '--format', 'txt', '--data', join(tmp.root, 'data')], {
      env,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('private');
    expect(reported()).toBe(false);
  }, 120_000);

  it('is off for a session made on the main thread', () => {
    const { env, reported } = homeEnv('main-thread');
    const script = `
      const { createSession } = await import('./server/engine/session.ts');
      const { buildOnnxModel } = await import('./server/engine/onnx/build.ts');
      const model = buildOnnxModel({
        inputs: [{ name: 'x', dtype: 'float32', shape: [1] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: [1] }],
        nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      });
      await createSession(model);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(reported()).toBe(false);
  });
});
