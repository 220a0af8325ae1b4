// A ruled invoice through a folder job with the real engine and store: the table is read cell by cell, row by
// row, between the text above and below it, and exported as JSON rows of cells and as CSV.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOICE, invoicePage, invoiceText } from '../testkit/pages';
import { openJobRig, type JobRig } from '../testkit/jobRig';
import { type JobService } from './index';

let root: string;
let folder: string;
let jobs: JobService;
let rig: JobRig | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-ruled-'));
  folder = join(root, 'invoices');
  mkdirSync(folder);
  const page = await invoicePage();
  writeFileSync(join(folder, 'invoice.png'), page);
  // The same invoice scanned a little askew.
  writeFileSync(join(folder, 'invoice-skewed.png'), await sharp(page).rotate(1.5, { background: '#ffffff' }).png().toBuffer());
  rig = await openJobRig(join(root, 'data'), { workers: 1, queueDepth: 4 });
  ({ jobs } = rig);
});

afterAll(async () => {
  await rig?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('ruled table', () => {
  it('reads each cell of the grid, merged and empty cells included, and exports the rows of cells', async () => {
    const job = jobs.create({ paths: [folder], recursive: true, origin: 'api', keyId: null });
    expect(await jobs.settled(job.id)).toMatchObject({ state: 'done', done: 2, failed: 0 });
    const lines = [...jobs.export(job.id, 'jsonl')]
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; text: string; blocks: { kind: string; cells?: string[][] }[] });
    expect(lines.map((l) => l.file)).toEqual(['invoice-skewed.png', 'invoice.png']);
    for (const line of lines) {
      expect(line.text).toBe(invoiceText());
      expect(line.blocks.map((b) => b.kind)).toEqual(['paragraph', 'table', 'paragraph']);
      expect(line.blocks[1].cells).toEqual(INVOICE.cells);
    }
    const csv = [...jobs.export(job.id, 'tables')].join('');
    expect(csv.trim().split('\n')).toEqual([
      'file,page,table,row,cells…',
      ...lines.flatMap((l) => INVOICE.cells.map((cells, r) => `${l.file},,1,${r + 1},${cells.join(',')}`)),
    ]);
  });
});
