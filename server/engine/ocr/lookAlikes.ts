// Chooses between look-alike glyphs (l/I/|/1, 0/O/o, c/C, {/(, }/]) by evidence: the recogniser's own
// runners-up at each character (top-k of the CTC head) and the context — an English word list, digits around
// a digit, option/command context, matching brackets. A character changes only to a reading the model itself
// found plausible there (or, for digits drawn like letters — 0/O, 1/l — to one that makes the token a listed
// word), and only when the context rules the first reading out.
import type { Alternative, DecodedText } from './ctcDecode';
import { isWord } from './lexicon';
import type { PlacedMarks } from './inkMarks';

/** A runner-up below this probability is no evidence. */
export const MIN_EVIDENCE = 0.01;
/** At most this many uncertain characters per token are tried together (3^4 readings). */
const MAX_UNCERTAIN = 4;

/** Groups of glyphs that look alike in common fonts; a runner-up counts only within its character's group. */
export const LOOK_ALIKE_GROUPS = ['lI|1i!', '0OoQD', 'cC', 'sS', 'uU', 'vV', 'wW', 'xX', 'zZ2', 'kK', 'pP', '({[<', ')}]>', '5S', '8B'];
/**
 * Digits drawn (near) like letters in common fonts: candidates even when the model gave no runner-up, as a
 * digit inside a word of letters is rare. Letters are not swapped for letters this way: "ls" is no word, but
 * it is no misread "Is" either; that takes the model's own runner-up.
 */
const SAME_SHAPE: Record<string, string> = { '1': 'lI', '0': 'oO' };
const DIGIT_FOR: Record<string, string> = { l: '1', I: '1', '|': '1', O: '0', o: '0' };
const OPEN = '([{';
/** Glyphs the recogniser gives for a backquote, a small raised mark. */
const BACKQUOTE_LOOKS = '^~′*';

/**
 * Does the mark at i sit where a code quote does: touching a word on one side (a letter, digit, $, bracket or
 * CJK character) and free on the other (space, line end, CJK, punctuation)? Not before a version ("^1.2"),
 * not in a home path ("~/").
 */
function quotesCode(chars: readonly string[], i: number): boolean {
  const before = chars[i - 1] ?? '';
  const after = chars[i + 1] ?? '';
  if (/[0-9/]/.test(after) || after === chars[i] || before === chars[i]) return false;
  const word = /[A-Za-z0-9$_{}()\u3400-\u9fff]/u;
  const free = (c: string): boolean => c === '' || /[\s,.;:!?，。；：\u3400-\u9fff"“”]/u.test(c);
  return (free(before) && word.test(after)) || (word.test(before) && free(after));
}
const CLOSE = ')]}';
/** Double quotes, straight and curly. */
const QUOTES = '"“”';

export interface Correction {
  /** Index in the line's text. */
  at: number;
  from: string;
  to: string;
}

interface Choice {
  ch: string;
  prob: number;
}

/** The readings of character i: as read, then the model's single-character runners-up and same-shape glyphs. */
function choices(text: string, i: number, prob: number, alts: readonly Alternative[], sameShape = true): Choice[] {
  const out: Choice[] = [{ ch: text[i], prob }];
  const groups = LOOK_ALIKE_GROUPS.filter((g) => g.includes(text[i]));
  for (const a of alts) {
    if (a.prob >= MIN_EVIDENCE && groups.some((g) => g.includes(a.text)) && !out.some((c) => c.ch === a.text))
      out.push({ ch: a.text, prob: a.prob });
  }
  if (sameShape) for (const ch of SAME_SHAPE[text[i]] ?? '') if (!out.some((c) => c.ch === ch)) out.push({ ch, prob: 0 });
  return out;
}

/**
 * Corrects one line. `prob` and `alternatives` are per character of `text` (NaN / [] where the text has a
 * character the recogniser did not read, e.g. a restored space).
 */
export function correctLookAlikes(
  text: string,
  prob: readonly number[],
  alternatives: ReadonlyArray<readonly Alternative[]>,
): { text: string; corrections: Correction[] } {
  const chars = [...text].length === text.length ? Array.from(text) : undefined;
  if (!chars) return { text, corrections: [] };
  const corrections: Correction[] = [];
  const set = (at: number, to: string): void => {
    if (chars[at] === to) return;
    corrections.push({ at, from: chars[at], to });
    chars[at] = to;
  };
  const choiceAt = (i: number, sameShape = false): Choice[] => choices(text, i, prob[i] ?? 1, alternatives[i] ?? [], sameShape);

  // Numbers: a look-alike among digits ("921l.00", "2061.Oo") is the digit. The number must hold two real digits.
  for (const m of text.matchAll(/[0-9lIO|o](?:[0-9lIO|o]|[.,](?=[0-9lIO|o]))*/g)) {
    const token = m[0];
    const start = m.index ?? 0;
    const digits = token.replace(/[^0-9]/g, '').length;
    const looks = token.replace(/[0-9.,]/g, '').length;
    if (digits < 2 || looks === 0 || looks >= digits) continue;
    // Letters on either side make it a word or a code ("mem0", "A4", "0x1F"), not a number.
    if (/[A-Za-z]/.test(text[start - 1] ?? '') || /[A-Za-z]/.test(text[start + token.length] ?? '')) continue;
    for (let k = 0; k < token.length; k++) {
      const digit = DIGIT_FOR[token[k]];
      if (!digit) continue;
      // l and I are drawn like 1 in many fonts; O and o need the model to have seen a 0.
      const seen = token[k] === 'l' || token[k] === 'I' || choiceAt(start + k).some((c) => c.ch === digit);
      if (seen) set(start + k, digit);
    }
  }

  // Words: a token that is not a word becomes the likeliest word the uncertain characters allow.
  for (const m of text.matchAll(/[A-Za-z0-9|]+/g)) {
    const token = m[0];
    const start = m.index ?? 0;
    if (!/[A-Za-z]/.test(token) || token.length < 2 || validToken(token)) continue;
    // Digits read as letters only in tokens of three characters or more: "t0", "c0" are names, not "to", "co".
    const lettered = token.length >= 3;
    const options = Array.from(token, (_, k) => choiceAt(start + k, lettered));
    const uncertain = options.flatMap((o, k) => (o.length > 1 ? [k] : []));
    if (uncertain.length === 0 || uncertain.length > MAX_UNCERTAIN) continue;
    let best: { word: string[]; score: number } | undefined;
    // Among equally likely words, a capital first letter where a sentence starts, lower case elsewhere.
    const sentenceStart = /(^|[.!?:;]\s*)$/.test(text.slice(0, start).trimEnd());
    const pick = (u: number, word: string[], score: number): void => {
      if (u === uncertain.length) {
        const candidate = word.join('');
        const capital = candidate[0] !== candidate[0].toLowerCase();
        const total = score + (capital === sentenceStart ? 0.01 : 0);
        // A case swap alone (w → W) never makes a camelCase name: "forwater" is not "forWater".
        const caseSwap = word.some((c, k) => c !== token[k] && c.toLowerCase() === token[k].toLowerCase());
        if (candidate !== token && validToken(candidate, !caseSwap) && (!best || total > best.score))
          best = { word: [...word], score: total };
        return;
      }
      const k = uncertain[u];
      for (const c of options[k]) {
        word[k] = c.ch;
        pick(u + 1, word, score + Math.log(Math.max(c.prob, 1e-4)));
      }
      word[k] = token[k];
    };
    pick(0, Array.from(token), 0);
    if (best) best.word.forEach((ch, k) => set(start + k, ch));
  }

  // camelCase names: an l inside a name that makes it a name of listed words is an I ("TextlmageService").
  for (const m of text.matchAll(/[A-Za-z]*[a-z]l[a-z][A-Za-z]*/g)) {
    const token = m[0];
    if (validToken(token)) continue;
    const start = m.index ?? 0;
    for (let k = 1; k < token.length - 1; k++) {
      if (token[k] !== 'l') continue;
      const candidate = token.slice(0, k) + 'I' + token.slice(k + 1);
      if (!isWord(candidate) && validToken(candidate)) {
        set(start + k, 'I');
        break;
      }
    }
  }

  // Commands: a capital I opening a lower-case token that options follow ("Is -la", "$ Is") is an l.
  for (const m of text.matchAll(/(^|[$|`]\s*|^\s*)I([a-z]{1,8})(?=\s+-{1,2}[A-Za-z])/g)) {
    const at = (m.index ?? 0) + m[1].length;
    set(at, 'l');
  }

  // Placeholders: "$[name]" where the model also read "{" at the opener and "}" at its closer is "${name}".
  for (let i = 1; i < chars.length; i++) {
    if (chars[i] !== '[' || chars[i - 1] !== '$' || !choiceAt(i).some((c) => c.ch === '{')) continue;
    const close = chars.findIndex((c, k) => k > i && (OPEN.includes(c) || CLOSE.includes(c)));
    if (close < 0 || !CLOSE.includes(chars[close])) continue;
    if (chars[close] !== '}' && !choiceAt(close).some((c) => c.ch === '}')) continue;
    set(i, '{');
    set(close, '}');
  }

  // Quotes: a pair of double quotes is straight on both sides or curly on both ("if” → "if"); a mixed pair takes
  // the likelier of the two styles the model's readings and runners-up allow.
  const quotes = chars.flatMap((c, i) => (QUOTES.includes(c) ? [i] : []));
  for (let q = 0; quotes.length % 2 === 0 && q < quotes.length; q += 2) {
    const [a, b] = [quotes[q], quotes[q + 1]];
    if ((chars[a] === '"') === (chars[b] === '"')) continue;
    const likelihood = (i: number, ch: string): number =>
      chars[i] === ch ? (prob[i] ?? 1) : ((alternatives[i] ?? []).find((alt) => alt.text === ch && alt.prob >= MIN_EVIDENCE)?.prob ?? 0);
    const straight = likelihood(a, '"') * likelihood(b, '"');
    const curly = likelihood(a, '“') * likelihood(b, '”');
    if (straight === 0 && curly === 0) continue;
    const [open, close] = straight >= curly ? ['"', '"'] : ['“', '”'];
    set(a, open);
    set(b, close);
  }

  // Brackets: where a line holds as many openers as closers, a closer that does not match its opener takes the
  // runner-up that does ("{a|b]" → "{a|b}"). With a bracket missing, the pairs cannot be told.
  const opens = chars.filter((c) => OPEN.includes(c)).length;
  const closes = chars.filter((c) => CLOSE.includes(c)).length;
  const stack: number[] = [];
  for (let i = 0; opens === closes && i < chars.length; i++) {
    if (OPEN.includes(chars[i])) stack.push(i);
    else if (CLOSE.includes(chars[i]) && stack.length) {
      const open = stack.pop() as number;
      const want = CLOSE[OPEN.indexOf(chars[open])];
      if (chars[i] === want) continue;
      const closer = choiceAt(i).find((c) => c.ch === want);
      const opener = choiceAt(open).find((c) => OPEN.includes(c.ch) && CLOSE[OPEN.indexOf(c.ch)] === chars[i]);
      if (closer && (!opener || closer.prob >= opener.prob)) set(i, want);
      else if (opener) set(open, opener.ch);
    }
  }

  // Code: "S{" the model also read as "${" is a template placeholder; a lone o/O between brackets the model
  // also read as 0 is an index or placeholder ("{0}", "[0]"); a backquote look-alike hugging a word on one side
  // and free on the other quotes code ("^setImmediate^"; a "*" only where the model also saw one of the
  // others); a CJK "丨" beside Latin text or a space is a "|"; an "l/" standing alone it also read as "//" opens
  // a comment.
  for (let i = 0; i < chars.length; i++) {
    const next = chars[i + 1] ?? '';
    const seen = (ch: string): boolean => (alternatives[i] ?? []).some((a) => a.text === ch && a.prob >= MIN_EVIDENCE);
    if (chars[i] === 'S' && next === '{' && !/[A-Za-z0-9]/.test(chars[i - 1] ?? '') && seen('$')) set(i, '$');
    else if ((chars[i] === 'o' || chars[i] === 'O') && OPEN.includes(chars[i - 1] ?? '') && CLOSE.includes(next) && seen('0')) set(i, '0');
    else if (
      BACKQUOTE_LOOKS.includes(chars[i]) &&
      quotesCode(chars, i) &&
      (chars[i] !== '*' || BACKQUOTE_LOOKS.split('').some((c) => c !== '*' && seen(c)))
    )
      set(i, '`');
    else if (chars[i] === '丨' && (/[A-Za-z0-9`\s]/.test(chars[i - 1] ?? ' ') || /[A-Za-z0-9`\s]/.test(next || ' '))) set(i, '|');
    else if (
      'lI|'.includes(chars[i]) &&
      next === '/' &&
      !/[A-Za-z0-9]/.test(chars[i - 1] ?? '') &&
      !/[A-Za-z0-9]/.test(chars[i + 2] ?? '') &&
      seen('/')
    )
      set(i, '/');
  }
  return { text: chars.join(''), corrections };
}

/**
 * A listed word, a camelCase name of listed words ("setImmediate"), or parts joined by "|" that are each a
 * listed word or a single character ("A|c|d").
 */
function validToken(token: string, camelCase = true): boolean {
  if (isWord(token)) return true;
  const humps = token.split(/(?<=[a-z])(?=[A-Z])/);
  const camel = humps.length > 1 && /^[A-Za-z][a-z]+$/.test(humps[0]) && humps.slice(1).every((h) => /^[A-Z][a-z]{2,}$/.test(h));
  if (camelCase && camel && humps.every((h) => isWord(h.toLowerCase()))) return true;
  if (!token.includes('|')) return false;
  const parts = token.split('|');
  return parts.every((p) => p.length <= 1 || isWord(p)) && parts.some((p) => p.length > 0);
}

/** Marks put back where the model read a blank but gave them as a runner-up: backquotes are faint and often lost. */
const UNREAD_MARKS = new Set(['`', '^', '~', "'"]);
/** How likely such a runner-up must be. */
export const UNREAD_EVIDENCE = 0.08;

/**
 * Corrects a decoded line after word spaces were put back (`spaced` is `decoded.text` with spaces added): marks
 * the model saw in gaps go back in, next to the neighbour they sat closer to, and so do the marks the crop shows
 * (inkMarks.ts: `image`), which also replace what the model read in their place; the spaces carry no
 * evidence, every other character keeps its probability and runners-up.
 */
export function correctReading(
  spaced: string,
  decoded: DecodedText,
  image: PlacedMarks = { replace: [], insert: [] },
): { text: string; corrections: Correction[] } {
  let text = '';
  const prob: number[] = [];
  const alternatives: Alternative[][] = [];
  const inserted: Correction[] = [];
  const replaced: Correction[] = [];
  // One backquote per gap, where the likeliest of its looks there is likely enough; a gap where the crop shows
  // backquotes gets those instead.
  const marks: Array<DecodedText['unread'][number] & { seen?: boolean }> = image.insert.map((m) => ({ prob: 1, ...m, seen: true }));
  for (const u of decoded.unread) {
    if (!UNREAD_MARKS.has(u.text) || u.prob < UNREAD_EVIDENCE) continue;
    const same = marks.find((m) => m.before === u.before && m.text === '`');
    if (!same) marks.push({ ...u, text: '`' });
    else if (!same.seen && u.prob > same.prob) Object.assign(same, { prob: u.prob, step: u.step });
  }
  // Does the mark before character j sit closer to character j - 1 than to j?
  const afterPrevious = (u: (typeof marks)[number]): boolean =>
    u.before > 0 &&
    (u.before >= decoded.positions.length || u.step - decoded.positions[u.before - 1] < decoded.positions[u.before] - u.step);
  const put = (ch: string, p: number, alts: Alternative[]): void => {
    text += ch;
    prob.push(p);
    alternatives.push(alts);
  };
  const seenAt = new Set<number>();
  const putMarks = (before: number, after: boolean): void => {
    for (const u of marks) {
      if (u.before !== before || afterPrevious(u) !== after) continue;
      if (u.seen) seenAt.add(text.length);
      inserted.push({ at: text.length, from: '', to: u.text });
      put(u.text, u.prob, []);
    }
  };
  let j = 0;
  for (let k = 0; k < spaced.length; k++) {
    if (j < decoded.text.length && spaced[k] === decoded.text[j]) {
      putMarks(j, false);
      const to = image.replace.find((r) => r.at === j)?.to;
      if (to !== undefined && spaced[k] !== to) {
        replaced.push({ at: text.length, from: spaced[k], to });
        put(to, 1, []);
      } else put(spaced[k], decoded.prob[j] ?? 1, decoded.alternatives[j] ?? []);
      j++;
      putMarks(j, true);
    } else put(spaced[k], 1, []);
  }
  putMarks(decoded.text.length, false);
  // A mark the model saw goes back only where a code quote sits (touching a word on one side, free on the
  // other); one the crop shows goes back wherever it is.
  const chars = Array.from(text);
  const keep = new Set(
    inserted.filter((c) => chars.length === text.length && (seenAt.has(c.at) || quotesCode(chars, c.at))).map((c) => c.at),
  );
  const kept = (_: unknown, k: number): boolean => !inserted.some((c) => c.at === k) || keep.has(k);
  const final = { text: chars.filter(kept).join(''), prob: prob.filter(kept), alternatives: alternatives.filter(kept) };
  const shiftAt = (at: number): number => inserted.filter((c) => c.at < at && !keep.has(c.at)).length;
  const applied = [...inserted.filter((c) => keep.has(c.at)), ...replaced]
    .map((c) => ({ ...c, at: c.at - shiftAt(c.at) }))
    .sort((a, b) => a.at - b.at);
  const fixed = correctLookAlikes(final.text, final.prob, final.alternatives);
  return { text: fixed.text, corrections: [...applied, ...fixed.corrections] };
}
