/**
 * redis-cli's reading of a command line, so that a line copied from a chapter means the same in the
 * browser console as in the terminal. Imports nothing: the site's theme may use it too.
 *
 * Follows redis-cli's `sdssplitargs`: words split on whitespace; "double quotes" take the escapes
 * \n \r \t \b \a \\ \" and \xHH; 'single quotes' take only \'; a closing quote must end the word.
 */

export class CommandLineError extends Error {}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** The words of `line`; throws CommandLineError (with what to fix) for unbalanced quotes. */
export function parseCommandLine(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
  while (i < line.length) {
    while (isSpace(line[i])) i++;
    if (i >= line.length) break;
    let word = '';
    let quote: '"' | "'" | undefined;
    for (;;) {
      const c = line[i];
      if (quote === '"') {
        if (c === undefined) throw new CommandLineError('Unbalanced double quote: close it with ".');
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (c === '\\' && line[i + 1] !== undefined) {
          const next = line[i + 1] as string;
          word += ESCAPES[next] ?? next;
          i += 2;
          continue;
        }
        if (c === '"') {
          i++;
          if (line[i] !== undefined && !isSpace(line[i])) throw new CommandLineError('A closing quote must be followed by a space, e.g. SET "my key" value.');
          break;
        }
        word += c;
        i++;
      } else if (quote === "'") {
        if (c === undefined) throw new CommandLineError("Unbalanced single quote: close it with '.");
        if (c === '\\' && line[i + 1] === "'") {
          word += "'";
          i += 2;
          continue;
        }
        if (c === "'") {
          i++;
          if (line[i] !== undefined && !isSpace(line[i])) throw new CommandLineError("A closing quote must be followed by a space, e.g. SET 'my key' value.");
          break;
        }
        word += c;
        i++;
      } else {
        if (c === undefined || isSpace(c)) break;
        if (c === '"' || c === "'") {
          // As in redis-cli, a quote opens a quoted part anywhere in a word: foo"bar baz" is one word.
          quote = c;
          i++;
          continue;
        }
        word += c;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}
