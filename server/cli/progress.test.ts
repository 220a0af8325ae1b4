// `hearth ocr`'s stderr: the bar drawn on a recording terminal, and the real command on a pipe and on a pty.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgress } from '../contract/jobs';
import { renderText } from '../testkit/renderText';
import { createProgressView, ETA_AFTER_FILES, formatDuration, progressText, summaryLine, type ProgressStream } from './progress';

const BIN = new URL('../../bin/hearth.js', import.meta.url).pathname;
const SUMMARY = /^hearth: \d+ files?, \d+ failed, \d+ reused, \d+\.\d images\/s, \S+ s$/;

function progress(done: number, total: number, etaSeconds: number | null = 12): JobProgress {
  return {
    id: 'j',
    state: done >= total ? 'done' : 'running',
    total,
    done,
    failed: 0,
    reused: 0,
    root: '/scans',
    recursive: false,
    origin: 'cli',
    keyId: null,
    createdAt: '',
    startedAt: null,
    finishedAt: null,
    error: null,
    rate: 4,
    etaSeconds,
  };
}

/** A terminal 100 columns wide that records every write. */
function terminal(): ProgressStream & { out: string } {
  const t = {
    out: '',
    isTTY: true,
    columns: 100,
    write(chunk: string | Uint8Array): boolean {
      t.out += String(chunk);
      return true;
    },
  };
  return t;
}

const ESC = '\u001b';
const CLEAR_LINE = `${ESC}[2K`;

/** The screen as a person would read it: carriage returns and line clears applied, cursor codes gone. */
function screen(out: string): string[] {
  const text = out.replaceAll(`${ESC}[?25l`, '').replaceAll(`${ESC}[?25h`, '');
  const lines: string[] = [''];
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith(CLEAR_LINE, i)) {
      lines[lines.length - 1] = '';
      i += CLEAR_LINE.length - 1;
    } else if (text[i] === '\n') lines.push('');
    // Back to the first column: what follows overwrites the line (the view always clears it first).
    else if (text[i] === '\r') lines[lines.length - 1] = '';
    else lines[lines.length - 1] += text[i];
  }
  return lines;
}

describe('the progress view on a terminal', () => {
  it('keeps log lines above the bar, shows no ETA at first, ends with the summary and draws nothing after', () => {
    let clock = 0;
    const tty = terminal();
    const view = createProgressView({ stream: tty, startedWith: { done: 0, failed: 0 }, now: () => clock });
    view.update(progress(0, 10));
    expect(screen(tty.out).at(-1)).toMatch(/^ocr \[░+\] {3}0% · 0\/10 files · 4\.0 images\/s$/);

    // Another writer (the logger, a worker's warning) while the bar shows.
    tty.write('12:00:00 warn  [engine] something to say\n');
    expect(screen(tty.out).slice(-2)).toEqual(['12:00:00 warn  [engine] something to say', expect.stringMatching(/^ocr \[/)]);

    clock = 1_000;
    view.update(progress(ETA_AFTER_FILES - 1, 10));
    tty.write('another line\n');
    expect(screen(tty.out).at(-1)).not.toMatch(/ETA/);
    view.update(progress(ETA_AFTER_FILES, 10));
    tty.write('third line\n');
    expect(screen(tty.out).at(-1)).toMatch(/ETA 12\.0 s$/);

    clock = 2_500;
    view.summary({ total: 10, done: 9, failed: 1, reused: 2 });
    const before = tty.out;
    view.update(progress(10, 10));
    tty.write('late line\n');
    expect(tty.out).toBe(`${before}late line\n`);
    const lines = screen(before);
    expect(lines.at(-1)).toBe('');
    expect(lines.at(-2)).toBe('hearth: 10 files, 1 failed, 2 reused, 4.0 images/s, 2.5 s');
    expect(lines.filter((l) => l.startsWith('ocr ['))).toEqual([]);
    expect(before.lastIndexOf('\x1b[?25h')).toBeGreaterThan(before.lastIndexOf('\x1b[?25l'));
  });

  it('never draws wider than the terminal', () => {
    const tty = terminal();
    tty.columns = 30;
    const view = createProgressView({ stream: tty, startedWith: { done: 0, failed: 0 } });
    view.update(progress(3, 10));
    expect((screen(tty.out).at(-1) ?? '').length).toBeLessThan(30);
    view.stop();
  });

  it('asks what the items come from again when their count changes, and names the PDF pages in the summary', () => {
    const tty = terminal();
    let asked = 0;
    let clock = 0;
    const view = createProgressView({
      stream: tty,
      startedWith: { done: 0, failed: 0 },
      now: () => clock,
      sources: () => (++asked === 1 ? { files: 1, pdfPages: 0 } : { files: 1, pdfPages: 17 }),
    });
    view.update(progress(0, 1));
    expect(screen(tty.out).at(-1)).toMatch(/0\/1 file /);
    clock = 2_000;
    view.update(progress(1, 17));
    tty.write('a line\n');
    expect(screen(tty.out).at(-1)).toMatch(/1\/17 images /);
    view.summary({ total: 17, done: 17, failed: 0, reused: 0 });
    expect(asked).toBe(2);
    expect(screen(tty.out).at(-2)).toMatch(/^hearth: 1 file \(17 PDF pages\), 0 failed, /);
  });
});

describe('summary wording', () => {
  it('says how many files a run read, and counts images while it runs when PDF pages are among its items', () => {
    const sources = { files: 2, pdfPages: 3 };
    expect(summaryLine({ end: { total: 4, done: 3, failed: 1, reused: 0 }, finishedThisRun: 4, elapsedMs: 2000, sources })).toBe(
      'hearth: 2 files (3 PDF pages), 1 failed, 0 reused, 2.0 images/s, 2.0 s',
    );
    expect(progressText(progress(2, 4), 2, sources)).toMatch(/^2\/4 images · /);
    // Images only: every item is a file, as before.
    const plain = { files: 1, pdfPages: 0 };
    expect(summaryLine({ end: { total: 1, done: 1, failed: 0, reused: 0 }, finishedThisRun: 1, elapsedMs: 500, sources: plain })).toBe(
      'hearth: 1 file, 0 failed, 0 reused, 2.0 images/s, 0.5 s',
    );
    expect(progressText(progress(2, 4), 2, { files: 4, pdfPages: 0 })).toMatch(/^2\/4 files · /);
  });

  it('counts one file as "1 file" and rates only this run', () => {
    expect(summaryLine({ end: { total: 1, done: 1, failed: 0, reused: 0 }, finishedThisRun: 1, elapsedMs: 500 })).toBe(
      'hearth: 1 file, 0 failed, 0 reused, 2.0 images/s, 0.5 s',
    );
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3720)).toBe('1h 02m');
  });
});

describe('hearth ocr on stderr', () => {
  let root: string;
  let folder: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hearth-progress-'));
    folder = join(root, 'scans');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.png'), await renderText({ lines: ['first page 1'], fontSize: 24 }));
    writeFileSync(join(folder, 'b.png'), await renderText({ lines: ['second page 2'], fontSize: 24 }));
    writeFileSync(join(folder, 'broken.png'), 'not an image');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const env = (data: string): NodeJS.ProcessEnv => ({ ...process.env, HEARTH_STORE_KEY: 'progress-key', HEARTH_DATA: data });

  it('writes plain lines to a pipe: no control codes, exactly one summary line, and it is last', () => {
    const run = spawnSync(process.execPath, [BIN, 'ocr', folder, '--data', join(root, 'pipe')], {
      env: env(join(root, 'pipe')),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr.includes(ESC)).toBe(false);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => SUMMARY.test(l))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^hearth: 3 files, 1 failed, 0 reused, /);
    expect(lines).toContainEqual(expect.stringMatching(/^hearth: broken\.png: .*\(not_an_image\)$/));

    const one = spawnSync(process.execPath, [BIN, 'ocr', join(folder, 'a.png'), '--data', join(root, 'pipe')], {
      env: env(join(root, 'pipe')),
      encoding: 'utf8',
    });
    expect(one.stderr.trimEnd().split('\n').at(-1)).toMatch(/^hearth: 1 file, 0 failed, 1 reused, /);
  });

  it.runIf(spawnSync('script', ['--version']).status === 0)('on a terminal ends with the summary, the bar cleared and not redrawn', () => {
    const data = join(root, 'pty');
    // `script` gives the command a real pseudo-terminal; its stdout goes to a file so only stderr is on the pty.
    const command = `${process.execPath} ${BIN} ocr ${folder} --data ${data} --out ${join(root, 'out.jsonl')}`;
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { env: env(data), encoding: 'utf8' });
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/ocr \[[█░]+\]/);
    const afterSummary = run.stdout.slice(run.stdout.lastIndexOf('hearth: 3 files'));
    expect(afterSummary).toMatch(/^hearth: 3 files, 1 failed, 0 reused, \d+\.\d images\/s, \S+ s\r?\n/);
    expect(afterSummary).not.toMatch(/ocr \[/);
    const visible = screen(run.stdout.replace(/\r\n/g, '\n')).filter((l) => l.trim() !== '');
    expect(visible.at(-1)).toMatch(SUMMARY);
    expect(visible.filter((l) => SUMMARY.test(l))).toHaveLength(1);
  });
});
