// Character error rate as the acceptance counts it: Levenshtein distance over characters, whitespace
// ignored, NFKC-normalised so fullwidth and halfwidth forms are equal; overall = Σ edits / Σ truth chars.

/** The characters compared: NFKC form, whitespace removed, split by code point. */
export function cerChars(text: string): string[] {
  return Array.from(text.normalize('NFKC').replace(/\s+/gu, ''));
}

/** Han characters and the CJK punctuation around which writers put spaces or not as they please. */
const CJK_SIDE = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u;

/**
 * The characters compared where spaces count: NFKC form, each run of whitespace (line breaks too) one space, and
 * none beside a CJK character ("当前 preset" and "当前preset" read alike), so a word space lost or added between
 * Latin words costs one edit.
 */
export function spacedChars(text: string): string[] {
  const chars = Array.from(text.normalize('NFKC').replace(/\s+/gu, ' ').trim());
  return chars.filter((c, i) => c !== ' ' || !(CJK_SIDE.test(chars[i - 1] ?? '') || CJK_SIDE.test(chars[i + 1] ?? '')));
}

/** Edit distance (insertions, deletions, substitutions) between two character arrays. */
export function levenshtein(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j] + 1, cur[j - 1] + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

export interface CerScore {
  /** Edits needed to turn the prediction into the truth. */
  edits: number;
  /** Characters in the truth (after normalisation). */
  chars: number;
  /** edits / chars (0 when the truth is empty and the prediction too). */
  cer: number;
}

/** CER of one prediction against its truth. */
export function cer(truth: string, predicted: string): CerScore {
  const t = cerChars(truth);
  const p = cerChars(predicted);
  const edits = levenshtein(t, p);
  return { edits, chars: t.length, cer: t.length ? edits / t.length : p.length ? 1 : 0 };
}

/** CER where word spaces count (spacedChars). */
export function spacedCer(truth: string, predicted: string): CerScore {
  const t = spacedChars(truth);
  const edits = levenshtein(t, spacedChars(predicted));
  return { edits, chars: t.length, cer: t.length ? edits / t.length : edits ? 1 : 0 };
}

export interface CerReport {
  overall: CerScore;
  files: Record<string, CerScore>;
}

/**
 * Per-file and overall CER. A file missing from `predicted` counts as read as empty text, so an error
 * or a skipped file costs every truth character.
 */
export function cerReport(truth: Record<string, string>, predicted: Record<string, string | undefined>): CerReport {
  const files: Record<string, CerScore> = {};
  let edits = 0;
  let chars = 0;
  for (const [file, text] of Object.entries(truth)) {
    const score = cer(text, predicted[file] ?? '');
    files[file] = score;
    edits += score.edits;
    chars += score.chars;
  }
  return { overall: { edits, chars, cer: chars ? edits / chars : 0 }, files };
}
