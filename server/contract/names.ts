// The rule for names people give things (keys, models): printable text only. Control characters (NUL, CR/LF, …)
// and bidirectional overrides would let a name fake lines or reorder text in `keys list`, logs and exports.
import { z } from 'zod';

/** C0/C1 controls, DEL, and the bidi embedding/override/isolate marks (U+202A–U+202E, U+2066–U+2069, LRM/RLM/ALM). */
// eslint-disable-next-line no-control-regex -- finding control characters is this rule's job
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/u;

export const NAME_RULE = 'a name may not contain control characters (NUL, line breaks, tabs) or text-direction overrides';

/** The text with each of the characters above replaced by `with` (file names made safe to keep and show). */
export function replaceUnprintable(text: string, replacement: string): string {
  return text.replace(new RegExp(UNPRINTABLE.source, 'gu'), replacement);
}

/** True when the text has none of the characters above. */
export function isPrintable(text: string): boolean {
  return !UNPRINTABLE.test(text);
}

/** A trimmed, printable name of 1..max characters. */
export function displayNameSchema(max: number): z.ZodString {
  return z.string().trim().min(1).max(max).refine(isPrintable, NAME_RULE);
}
