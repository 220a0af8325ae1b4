// The speed targets Hearth holds itself to, computed from the table's rows: each prints its value, its target
// and whether this run met it. Informational only: the bench never fails on timing.
import { bestSeconds, type OneImageResult, type OneImageRow } from './contenders/oneImage';
import type { ContenderResult } from './contenders/types';

export const CONTENDER_IDS = ['cli', 'inproc', 'http1', 'http4', 'http8', 'bare', 'gutenye', 'paddleocr', 'tesseract', 'rss'] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];
export type Rows = Partial<Record<ContenderId, ContenderResult>>;

function usable(r: ContenderResult | undefined): r is ContenderResult {
  return r !== undefined && r.error === undefined;
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'NOT met';
}

function missing(label: string, target: string, ...parts: [string, ContenderResult | undefined][]): string {
  const why = parts
    .filter(([, r]) => !usable(r))
    .map(([n, r]) => `${n} ${r ? 'failed' : 'not run'}`)
    .join(', ');
  return `${label}: n/a (${why}) — target ${target}`;
}

const pct = (v: number): string => `${(v * 100).toFixed(2)} %`;

/** Printed above the target lines. */
export const TARGETS_HEADING = 'Targets (informational; the bench never fails on timing):';

/** `hearth ocr <folder>` against the faster same-model peer, whole process, images/s. */
const FOLDER_TARGET = 3;
/** One image, whole process, prepared graphs and no node running, against the faster same-model peer. */
const ONE_IMAGE_TARGET = 2;

/** One line per target. */
export function ratioLines(rows: Rows): string[] {
  const out: string[] = [];
  const { cli, inproc, http8, bare, gutenye, paddleocr, tesseract, rss } = rows;

  // 1. Whole-process CLI against the faster of the two same-model peers, at equal or lower CER.
  const peers = (
    [
      ['@gutenye/ocr-node', gutenye],
      ['paddleocr', paddleocr],
    ] as const
  ).filter(([, r]) => usable(r) && r.imagesPerS);
  const best = peers.sort((a, b) => (b[1]?.imagesPerS ?? 0) - (a[1]?.imagesPerS ?? 0))[0];
  if (usable(cli) && cli.imagesPerS && best) {
    const [peerName, peer] = best as [string, ContenderResult];
    const ratio = cli.imagesPerS / (peer.imagesPerS as number);
    const cerOk = cli.cer !== undefined && peer.cer !== undefined && cli.cer <= peer.cer;
    out.push(
      `hearth ocr <folder> vs faster peer (${peerName}): ${ratio.toFixed(2)}× images/s — target ≥ ${FOLDER_TARGET.toFixed(2)}× → ${verdict(ratio >= FOLDER_TARGET)}; ` +
        `CER ${pct(cli.cer ?? NaN)} vs ${pct(peer.cer ?? NaN)} — target ≤ → ${verdict(cerOk)}`,
    );
  } else {
    out.push(
      missing(
        'hearth ocr <folder> vs faster peer',
        `≥ ${FOLDER_TARGET.toFixed(2)}×`,
        ['hearth ocr', cli],
        ['@gutenye/ocr-node', gutenye],
        ['paddleocr', paddleocr],
      ),
    );
  }
  if (usable(cli) && cli.imagesPerS && usable(tesseract) && tesseract.imagesPerS) {
    out.push(
      `hearth ocr <folder> vs tesseract (for information): ${(cli.imagesPerS / tesseract.imagesPerS).toFixed(2)}× images/s; CER ${pct(cli.cer ?? NaN)} vs ${pct(tesseract.cer ?? NaN)}`,
    );
  }

  // 2. Engine overhead: in-process throughput against the same sessions on pre-made tensors.
  if (usable(inproc) && inproc.imagesPerS && usable(bare) && bare.imagesPerS) {
    const r = inproc.imagesPerS / bare.imagesPerS;
    out.push(`in-process vs bare-session limit: ${pct(r)} — target ≥ 80 % → ${verdict(r >= 0.8)}`);
  } else {
    out.push(missing('in-process vs bare-session limit', '≥ 80 %', ['in-process', inproc], ['bare', bare]));
  }

  // 3. The HTTP path under 8 clients: throughput, errors and a responsive event loop.
  if (usable(http8) && http8.imagesPerS && usable(inproc) && inproc.imagesPerS) {
    const r = http8.imagesPerS / inproc.imagesPerS;
    const p99 = Number(http8.extra?.healthP99Ms);
    const errors = http8.errors ?? 0;
    out.push(
      `POST /v1/ocr @8 clients vs in-process: ${pct(r)} — target ≥ 90 % → ${verdict(r >= 0.9)}; ` +
        `errors ${errors} — target 0 → ${verdict(errors === 0)}; ` +
        `GET /v1/health p99 ${Number.isFinite(p99) ? p99.toFixed(1) + ' ms' : 'n/a'} — target < 50 ms → ${verdict(p99 < 50)}`,
    );
  } else {
    out.push(
      missing('POST /v1/ocr @8 clients vs in-process', '≥ 90 %, 0 errors, health p99 < 50 ms', ['http@8', http8], ['in-process', inproc]),
    );
  }

  // 4. Memory over a long run.
  if (usable(rss) && rss.extra?.rssAt100Mb !== undefined && rss.extra?.rssAtEndMb !== undefined) {
    const a = Number(rss.extra.rssAt100Mb);
    const b = Number(rss.extra.rssAtEndMb);
    const r = b / a;
    out.push(
      `RSS after ${rss.extra.total} images vs after 100: ${b.toFixed(0)} MB vs ${a.toFixed(0)} MB = ${r.toFixed(3)} — target within 10 % → ${verdict(Math.abs(r - 1) <= 0.1)}`,
    );
  } else if (rss === undefined) {
    out.push('RSS after 1,000 images vs after 100: not run (--quick, or rss left out of --only)');
  } else {
    out.push(missing('RSS after 1,000 images vs after 100', 'within 10 %', ['rss run', rss]));
  }
  return out;
}

/** The one-image lines: Hearth's whole process against the faster same-model peer, best run against best run. */
export function oneImageRatioLines(result: OneImageResult): string[] {
  const { coldish, cached, warm, gutenye, paddleocr, tesseract } = result.rows;
  const peers = [gutenye, paddleocr]
    .filter((r) => bestSeconds(r) !== undefined)
    .sort((a, b) => (bestSeconds(a) as number) - (bestSeconds(b) as number));
  const peer = peers[0];
  const peerS = bestSeconds(peer);
  if (!peer || peerS === undefined)
    return [`one image vs faster peer: n/a (no same-model peer ran) — target ≥ ${ONE_IMAGE_TARGET.toFixed(2)}×`];
  const line = (label: string, r: OneImageRow, target?: number): string => {
    const s = bestSeconds(r);
    if (s === undefined) return `${label}: n/a (${r.error ?? 'not run'})`;
    const ratio = peerS / s;
    return (
      `${label} vs ${peer.name.split(',')[0]}: ${s.toFixed(2)} s vs ${peerS.toFixed(2)} s = ${ratio.toFixed(2)}×` +
      (target ? ` — target ≥ ${target.toFixed(2)}× → ${verdict(ratio >= target)}` : ' (for information)')
    );
  };
  const out = [
    line('one image, prepared graphs (no node running)', cached, ONE_IMAGE_TARGET),
    line('one image, fresh data dir', coldish),
    line('one image, node running (warm path)', warm),
  ];
  const tS = bestSeconds(tesseract);
  const cS = bestSeconds(cached);
  if (tS !== undefined && cS !== undefined) out.push(`one image, prepared graphs vs tesseract (for information): ${(tS / cS).toFixed(2)}×`);
  return out;
}
