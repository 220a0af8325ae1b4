// The recogniser confuses look-alike letters and digits: 0 for O inside Latin words ("0rder", "mem0") and l/I
// for 1 inside numbers ("921l.00"). A 0 becomes o/O only where that makes a listed English word of a token that
// is not one ("0rder" → "order"; "files0", "A4", "0x1F", "v2.0" stay); an l or I between digits becomes 1.
import { isWord } from './lexicon';

const TOKEN = /[A-Za-z0-9]+/g;

export function fixLetterDigits(line: string): string {
  return line.replace(TOKEN, (token, offset: number) => {
    if (/^[0-9]*[lI][0-9lI]*$/.test(token) && token.replace(/[lI]/g, '').length >= 2) return token.replace(/[lI]/g, '1');
    if (!token.includes('0') || /[1-9]/.test(token) || isWord(token)) return token;
    const before = line.slice(0, offset).trimEnd();
    const sentenceStart = before === '' || /[.!?:;]$/.test(before);
    const letters = token.replace(/0/g, '');
    if (letters.length < 2) return token;
    // Capital O where the rest is capitals, or as the first letter of a sentence or of a Capitalised word.
    const caps = letters === letters.toUpperCase();
    const fixed = Array.from(token, (ch, i) => {
      if (ch !== '0') return ch;
      const next = token.slice(i + 1).replace(/0/g, '')[0];
      return caps || (i === 0 && (sentenceStart || (next !== undefined && next === next.toUpperCase()))) ? 'O' : 'o';
    }).join('');
    return isWord(fixed) ? fixed : token;
  });
}
