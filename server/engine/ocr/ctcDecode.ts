// Greedy CTC decoding for the recogniser: best class per time step, repeats merged, blanks dropped.
// Class 0 is the CTC blank, then the dictionary's characters in file order, then a space (use_space_char).
// Besides the text it keeps, per character, where it was read and what else the model found plausible there.
import { readFileSync } from 'node:fs';

export function loadDictionary(file: string): string[] {
  const chars = readFileSync(file, 'utf8').split(/\r?\n/);
  if (chars[chars.length - 1] === '') chars.pop();
  return ['', ...chars, ' '];
}

/** Another reading of one character, with the highest probability the model gave it over that character's steps. */
export interface Alternative {
  text: string;
  prob: number;
}

export interface DecodedText {
  text: string;
  /** Mean probability of the kept characters (0 when none). */
  confidence: number;
  /** Time step at which each character of `text` (by code unit index of its first unit) was emitted. */
  positions: number[];
  /** Input columns per time step (set by the recogniser; 0 when unknown). */
  columnsPerStep: number;
  /** Per character of `text`: the highest space probability the steps since the previous character gave. */
  spaceBefore: number[];
  /** Per character of `text`: its peak probability and the other non-blank classes of its steps, likeliest first. */
  prob: number[];
  alternatives: Alternative[][];
  /** Per character of `text`: the time steps it held as the best class (a merged run of equal glyphs holds more). */
  held: number[];
  /**
   * Characters the model gave as a runner-up (at least GAP_EVIDENCE) at steps it read as blank: a faint mark
   * such as a backquote it did not dare to emit. `before` is the index in `text` of the next character.
   */
  unread: Array<Alternative & { before: number; step: number }>;
}

/** A runner-up at a blank step this likely is recorded in `unread`. */
export const GAP_EVIDENCE = 0.05;

/**
 * Per time step of a batch of sequences (flattened [lines, steps, k] and [lines, steps]): the k best classes
 * with their probabilities, best first, and the space class's probability.
 */
export interface CtcSteps {
  k: number;
  classes: ArrayLike<number | bigint>;
  probs: ArrayLike<number>;
  space: ArrayLike<number>;
}

/** Decodes the sequence of `steps` time steps starting at step `offset` (greedy CTC: merge repeats, drop blanks). */
export function ctcDecode(s: CtcSteps, offset: number, steps: number, dict: readonly string[]): DecodedText {
  const { k } = s;
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  const positions: number[] = [];
  const spaceBefore: number[] = [];
  const prob: number[] = [];
  const alternatives: Alternative[][] = [];
  const held: number[] = [];
  const unread: DecodedText['unread'] = [];
  let spaceSeen = 0;
  let current: { peak: number; alts: Map<number, number>; first: number; held: number } | undefined;
  const close = (): void => {
    if (!current) return;
    const alts = [...current.alts].sort((a, b) => b[1] - a[1]).map(([c, p]) => ({ text: dict[c] ?? '', prob: p }));
    for (let u = current.first; u < text.length; u++) {
      prob[u] = current.peak;
      alternatives[u] = alts;
      held[u] = current.held;
    }
    current = undefined;
  };
  for (let t = 0; t < steps; t++) {
    const at = (offset + t) * k;
    const best = Number(s.classes[at]);
    if (s.space[offset + t] > spaceSeen) spaceSeen = s.space[offset + t];
    if (best !== previous) close();
    if (best !== 0 && best !== previous) {
      const ch = dict[best] ?? '';
      current = { peak: 0, alts: new Map(), first: text.length, held: 0 };
      for (let u = 0; u < ch.length; u++) {
        positions.push(t);
        spaceBefore.push(spaceSeen);
      }
      spaceSeen = 0;
      text += ch;
      sum += s.probs[at];
      kept++;
    }
    if (current) {
      current.held++;
      if (s.probs[at] > current.peak) current.peak = s.probs[at];
      for (let j = 1; j < k; j++) {
        const c = Number(s.classes[at + j]);
        if (c === 0 || c === best) continue;
        const p = s.probs[at + j];
        if (p > (current.alts.get(c) ?? 0)) current.alts.set(c, p);
      }
    }
    if (best === 0) {
      for (let j = 1; j < k; j++) {
        const c = Number(s.classes[at + j]);
        const p = s.probs[at + j];
        if (c === 0 || p < GAP_EVIDENCE) continue;
        // One entry per character and gap: the step where it was likeliest.
        const same = unread.find((u) => u.before === text.length && u.text === dict[c]);
        if (!same) unread.push({ text: dict[c] ?? '', prob: p, before: text.length, step: t });
        else if (p > same.prob) Object.assign(same, { prob: p, step: t });
      }
    }
    previous = best;
  }
  close();
  return { text, confidence: kept ? sum / kept : 0, positions, columnsPerStep: 0, spaceBefore, prob, alternatives, held, unread };
}
