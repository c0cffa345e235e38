/**
 * The loop's terminal: keys in, screens out. A screen replaces what is visible without wiping the
 * scrollback the learner was reading, and is cut to the window's height so that the header and the
 * first failing check always stay on screen. Writing to a terminal that has gone away (SIGHUP, a
 * closed window) is ignored, never a crash.
 */
import { createInterface, type Interface } from 'node:readline';
import { dim } from './style.ts';

export interface Screen {
  /** Always shown (the header). */
  top: string[];
  /** Cut at the bottom when the window is too short. */
  body: string[];
  /** Always shown (keys, addresses). */
  bottom: string[];
}

const NAMED_KEYS: Record<string, string> = {
  '\u001b[A': 'up',
  '\u001b[B': 'down',
  '\u001bOA': 'up',
  '\u001bOB': 'down',
  '\u001b[5~': 'pageup',
  '\u001b[6~': 'pagedown',
  '\r': 'enter',
  '\n': 'enter',
  '\u001b': 'escape',
};

export class Terminal {
  readonly interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  private input: Interface | undefined;
  private closed = false;
  private readonly onData = (data: Buffer): void => {
    // One chunk may hold several keys (a fast typist, a paste, arrows held down): split it into
    // escape sequences and single characters before naming them.
    for (const [key] of data.toString().matchAll(/\u001b\[[0-9;]*[A-Za-z~]|\u001bO[A-Za-z]|[\s\S]/gu)) {
      this.listener?.(NAMED_KEYS[key] ?? key);
    }
  };
  private listener: ((key: string) => void) | undefined;

  constructor() {
    // A terminal that went away must not turn every later write into an exception.
    process.stdout.on('error', () => {});
  }

  get rows(): number {
    return process.stdout.rows || 40;
  }

  get columns(): number {
    return process.stdout.columns || 100;
  }

  onKey(listener: (key: string) => void): void {
    this.listener = listener;
    if (this.interactive) {
      process.stdin.setRawMode(true);
      process.stdin.on('data', this.onData);
      process.stdin.resume();
    } else {
      // Piped input: one key per line (tests, scripts). When it runs out, keep watching.
      this.input = createInterface({ input: process.stdin, terminal: false });
      this.input.on('line', (line) => {
        const word = line.trim();
        if (word) listener(NAMED_KEYS[word] ?? (word.length > 1 && !/^[a-z]$/.test(word[0] ?? '') ? word : word.slice(0, 1)));
      });
    }
  }

  print(text: string): void {
    if (this.closed) return;
    try {
      process.stdout.write(`${text}\n`);
    } catch {
      // The terminal is gone.
    }
  }

  screen(screen: Screen): void {
    if (!this.interactive) {
      this.print([...screen.top, ...screen.body, ...screen.bottom].join('\n'));
      return;
    }
    const height = (line: string): number => Math.max(1, Math.ceil(visibleLength(line) / this.columns));
    const fixed = [...screen.top, ...screen.bottom].reduce((sum, line) => sum + height(line), 0);
    // Lines are kept free for the status line the loop prints under the screen and the cursor.
    let room = this.rows - fixed - 3;
    const body: string[] = [];
    for (const [i, line] of screen.body.entries()) {
      const left = screen.body.length - i;
      if (height(line) > room - (left > 1 ? 1 : 0)) {
        body.push(dim(`… ${left} more line${left === 1 ? '' : 's'}: press v to print the whole verdict, or make the window taller`));
        break;
      }
      body.push(line);
      room -= height(line);
    }
    if (this.closed) return;
    try {
      // Clear the visible screen and home the cursor; the scrollback stays as it was.
      process.stdout.write(`\u001b[2J\u001b[H${[...screen.top, ...body, ...screen.bottom].join('\n')}\n`);
    } catch {
      // The terminal is gone.
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.input?.close();
    if (this.interactive) {
      process.stdin.off('data', this.onData);
      try {
        process.stdin.setRawMode(false);
      } catch {
        // The terminal is gone.
      }
    }
    // Stop reading the terminal: an open stdin would keep the process alive after quitting.
    process.stdin.pause();
  }
}

function visibleLength(line: string): number {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\u001b\[[0-9;]*m/g, '').length;
}
