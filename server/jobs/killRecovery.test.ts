// kill -9 in the middle of `hearth ocr`, twice, then the same command again: every file ends up with exactly
// one stored result and one output line, and an unchanged re-run recognises nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningUrlIn } from '../contract/listening';
import { openStore } from '../store';
import { makeImageFolder } from '../testkit/imageFolder';

// HEARTH_KILL_FILES=60 runs the full size; 30 keeps the unit suite quick on small machines.
const N = Number(process.env.HEARTH_KILL_FILES ?? 30);
const KEY = 'kill-test-store-key';
let root: string;
let folder: string;
let data: string;
let expected: string[];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function hearthOcr(out: string, killWhen?: (processed: number) => boolean): Promise<Run> {
  const child = spawn(process.execPath, ['bin/hearth.js', 'ocr', folder, '--recursive', '--data', data, '--out', out], {
    env: { ...process.env, HEARTH_STORE_KEY: KEY, HEARTH_DATA: data },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  let watcher: ReturnType<typeof openStore> | undefined;
  if (killWhen) {
    // Watch the child's own store (WAL lets a second connection read) and kill it at the chosen point. The
    // connection is opened once: opening derives the key from the passphrase, a few hundred milliseconds in which
    // a fast run would finish many files unseen.
    timer = setInterval(() => {
      let processed: number;
      try {
        watcher ??= openStore({ dataDir: data, key: KEY });
        processed = (watcher.db.prepare("SELECT count(*) AS n FROM job_items WHERE state <> 'pending'").get() as { n: number }).n;
      } catch {
        return; // not created yet
      }
      if (killWhen(processed)) {
        clearInterval(timer);
        child.kill('SIGKILL');
      }
    }, 40);
  }
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      watcher?.close();
      resolve({ code, signal, stderr });
    }),
  );
}

function stored(): { items: number; pending: number; results: number; distinctSources: number; distinctResults: number; jobs: number } {
  const s = openStore({ dataDir: data, key: KEY });
  try {
    const one = (sql: string): number => (s.db.prepare(sql).get() as { n: number }).n;
    return {
      jobs: one('SELECT count(*) AS n FROM jobs'),
      items: one('SELECT count(*) AS n FROM job_items'),
      pending: one("SELECT count(*) AS n FROM job_items WHERE state = 'pending'"),
      results: one('SELECT count(*) AS n FROM results'),
      distinctSources: one('SELECT count(DISTINCT source) AS n FROM results'),
      distinctResults: one('SELECT count(DISTINCT result_id) AS n FROM job_items'),
    };
  } finally {
    s.close();
  }
}

function outputFiles(out: string): string[] {
  return readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { file: string; text?: string }).file);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-kill-'));
  folder = join(root, 'scans');
  data = join(root, 'data');
  expected = (await makeImageFolder(folder, N)).sort();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('hearth ocr under kill -9', () => {
  it('killed twice at random points, then re-run: each file exactly once; unchanged re-run recognises 0', async () => {
    const first = 2 + Math.floor(Math.random() * (N / 3));
    const second = first + 2 + Math.floor(Math.random() * (N / 3));
    const a = await hearthOcr(join(root, 'a.jsonl'), (n) => n >= first);
    expect(a.signal).toBe('SIGKILL');
    const afterA = stored();
    expect(afterA.pending).toBeGreaterThan(0);
    const b = await hearthOcr(join(root, 'b.jsonl'), (n) => n >= second);
    expect(b.signal).toBe('SIGKILL');
    const afterB = stored();
    console.log(`killed after ${afterA.items - afterA.pending} and ${afterB.items - afterB.pending} of ${N} files`);

    const c = await hearthOcr(join(root, 'c.jsonl'));
    expect(c.code, c.stderr).toBe(0);
    // On a fast run the second kill can land after the last file: then there is nothing to continue, and the
    // counts below must hold all the same.
    if (afterB.pending > 0) expect(c.stderr).toMatch(/continuing the interrupted run/);
    expect(outputFiles(join(root, 'c.jsonl')).sort()).toEqual(expected);
    const afterC = stored();
    expect(afterC).toEqual({ jobs: 1, items: N, pending: 0, results: N, distinctSources: N, distinctResults: N });

    const d = await hearthOcr(join(root, 'd.jsonl'));
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toMatch(new RegExp(`${N} files, 0 failed, ${N} reused,`));
    expect(outputFiles(join(root, 'd.jsonl')).sort()).toEqual(expected);
    const afterD = stored();
    expect(afterD.results).toBe(N);
    expect(afterD.jobs).toBe(2);
  }, 600_000);
});

/** Starts `hearth serve` on a free port; resolves with its URL once it prints the listening line. */
function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['bin/hearth.js', 'serve', '--port', '0', '--data', data], {
    env: { ...process.env, HEARTH_STORE_KEY: KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = listeningUrlIn(out);
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

describe('API job under kill -9', () => {
  it('resumes by itself when the node starts again, each file stored once', async () => {
    rmSync(data, { recursive: true, force: true });
    const first = await serve();
    const res = await fetch(`${first.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: folder, recursive: true }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const killAt = 3 + Math.floor(Math.random() * (N / 2));
    for (;;) {
      const job = (await (await fetch(`${first.url}/v1/jobs/${id}`)).json()) as { done: number; failed: number };
      if (job.done + job.failed >= killAt) break;
      await new Promise((r) => setTimeout(r, 40));
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const interrupted = stored();
    expect(interrupted.pending).toBeGreaterThan(0);

    const second = await serve();
    try {
      // No request needed: the node picks the job up on its own.
      const events = await (await fetch(`${second.url}/v1/jobs/${id}/events`)).text();
      expect(events).toMatch(/event: end\ndata: {"state":"done"}/);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
    expect(stored()).toEqual({ jobs: 1, items: N, pending: 0, results: N, distinctSources: N, distinctResults: N });
  }, 600_000);
});
