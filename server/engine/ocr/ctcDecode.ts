// Greedy CTC decoding for the recogniser: best class per time step, repeats merged, blanks dropped.
// Class 0 is the CTC blank, then the dictionary's characters in file order, then a space (use_space_char).
import { readFileSync } from 'node:fs';

export function loadDictionary(file: string): string[] {
  const chars = readFileSync(file, 'utf8').split(/\r?\n/);
  if (chars[chars.length - 1] === '') chars.pop();
  return ['', ...chars, ' '];
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
}

/** Per time step of a batch of sequences (flattened [lines, steps]): the best class, its probability, the space's. */
export interface CtcSteps {
  best: ArrayLike<number | bigint>;
  prob: ArrayLike<number>;
  space: ArrayLike<number>;
}

/** Decodes the sequence of `steps` time steps starting at `offset` (greedy CTC: merge repeats, drop blanks). */
export function ctcDecode(s: CtcSteps, offset: number, steps: number, dict: readonly string[]): DecodedText {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  const positions: number[] = [];
  const spaceBefore: number[] = [];
  let spaceSeen = 0;
  for (let t = 0; t < steps; t++) {
    const best = Number(s.best[offset + t]);
    if (s.space[offset + t] > spaceSeen) spaceSeen = s.space[offset + t];
    if (best !== 0 && best !== previous) {
      const ch = dict[best] ?? '';
      for (let k = 0; k < ch.length; k++) {
        positions.push(t);
        spaceBefore.push(spaceSeen);
      }
      spaceSeen = 0;
      text += ch;
      sum += s.prob[offset + t];
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept ? sum / kept : 0, positions, columnsPerStep: 0, spaceBefore };
}
