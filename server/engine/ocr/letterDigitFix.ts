// The recogniser confuses look-alike letters and digits: 0 for O inside Latin words ("0rder", "mem0") and l/I
// for 1 inside numbers ("921l.00"). A 0 in a token whose other characters are all letters becomes o/O (capital
// where its neighbours are capitals or it starts a sentence); an l or I in a token of digits becomes 1.
// Mixed codes (A4, Win10, 0x1F, 2nd) stay as read.

const TOKEN = /[A-Za-z0-9]+/g;

export function fixLetterDigits(line: string): string {
  return line.replace(TOKEN, (token, offset: number) => {
    if (/^[0-9]*[lI][0-9lI]*$/.test(token) && token.replace(/[lI]/g, '').length >= 2) return token.replace(/[lI]/g, '1');
    if (!token.includes('0') || /[1-9]/.test(token)) return token;
    const letters = token.replace(/0/g, '');
    if (letters.length < 2 || /^0x/i.test(token)) return token;
    const allCaps = letters === letters.toUpperCase();
    const before = line.slice(0, offset).trimEnd();
    const sentenceStart = before === '' || /[.!?:;]$/.test(before);
    return Array.from(token, (ch, i) => {
      if (ch !== '0') return ch;
      const next = token.slice(i + 1).replace(/0/g, '')[0];
      const upper = allCaps || (i === 0 && (sentenceStart || (next !== undefined && next === next.toUpperCase())));
      return upper ? 'O' : 'o';
    }).join('');
  });
}
