// The line `hearth serve` prints once it accepts connections ("hearth listening on <url>"): written and parsed
// only here, for the desktop app, the e2e setup, the bench and the tests that start a node process.
const PREFIX = 'hearth listening on ';
const LINE = /^hearth listening on (\S+)\s*$/;

/** The line to print, newline included. */
export function listeningLine(url: string): string {
  return `${PREFIX}${url}\n`;
}

/** The URL of one complete output line, or undefined when it is another line. */
export function parseListeningLine(line: string): string | undefined {
  return LINE.exec(line)?.[1];
}

/** The URL from output collected so far; a line still being written is not read, so the URL is never cut short. */
export function listeningUrlIn(output: string): string | undefined {
  const complete = output.slice(0, output.lastIndexOf('\n') + 1);
  for (const line of complete.split('\n')) {
    const url = parseListeningLine(line);
    if (url) return url;
  }
  return undefined;
}
