/**
 * The learner's keys and lines, pulled one at a time. In a terminal, keys act at once (raw mode);
 * with piped input, one line gives one key (its first character; an empty line is the space that
 * flips a card), as in the learner's loop (src/learn/watch-session.ts). When the input ends, the
 * trainer is told to quit, so `printf ' \n3\n' | npm run cards` ends cleanly. Node only.
 */
import { createInterface, type Interface } from 'node:readline';

export interface KeyInput {
  /** The next key; `q` once the input has ended. */
  key(): Promise<string>;
  close(): void;
}

export interface LineInput {
  /** The next line; undefined once the input has ended. */
  line(): Promise<string | undefined>;
  close(): void;
}

/** Values pushed by events, handed out in order to whoever asks. */
class Mailbox<T> {
  private readonly items: T[] = [];
  private readonly waiting: Array<(item: T) => void> = [];
  private ended: T | undefined;
  private isEnded = false;

  push(item: T): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  /** After the queued items, every request gets `last`. */
  end(last: T): void {
    this.isEnded = true;
    this.ended = last;
    for (const waiter of this.waiting.splice(0)) waiter(last);
  }

  take(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    if (this.isEnded) return Promise.resolve(this.ended as T);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

const isTerminal = (): boolean => process.stdin.isTTY === true && process.stdout.isTTY === true;

export function keyInput(): KeyInput {
  const keys = new Mailbox<string>();
  let lines: Interface | undefined;
  const onData = (data: Buffer): void => {
    for (const char of data.toString()) {
      // Ctrl-C and Ctrl-D quit; Enter flips like space.
      if (char === '\u0003' || char === '\u0004') keys.push('q');
      else if (char === '\r' || char === '\n') keys.push(' ');
      else keys.push(char);
    }
  };
  if (isTerminal()) {
    process.stdin.setRawMode(true);
    process.stdin.on('data', onData);
    process.stdin.resume();
  } else {
    lines = createInterface({ input: process.stdin, terminal: false });
    lines.on('line', (line) => keys.push(line.trim().slice(0, 1) || ' '));
    lines.on('close', () => keys.end('q'));
  }
  return {
    key: () => keys.take(),
    close: () => {
      if (lines) lines.close();
      else {
        process.stdin.off('data', onData);
        process.stdin.setRawMode(false);
      }
      // Stop reading: an open stdin would keep the process alive after quitting.
      process.stdin.pause();
    },
  };
}

export function lineInput(): LineInput {
  const lines = new Mailbox<string | undefined>();
  const reader = createInterface({ input: process.stdin, output: isTerminal() ? process.stdout : undefined, terminal: isTerminal() });
  reader.on('line', (line) => lines.push(line));
  reader.on('close', () => lines.end(undefined));
  // Ctrl-C in a terminal: end the input like Ctrl-D, so the session can say goodbye and save.
  reader.on('SIGINT', () => reader.close());
  return {
    line: () => lines.take(),
    close: () => {
      reader.close();
      process.stdin.pause();
    },
  };
}
