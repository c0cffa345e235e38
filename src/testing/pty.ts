/**
 * A real terminal for end-to-end tests of the loop, as a learner has one: tmux (Debian's) runs the
 * command in a pseudo-terminal of a set size; the test types keys and reads the screen. Nothing is
 * mocked: raw mode, screen clearing and signals behave as they do for a learner.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { until } from './wait.ts';

/**
 * How often a wait reads the screen. Each read starts a tmux client: at until()'s default of 10 ms
 * a minute-long wait cost thousands of process starts (measured: a quarter of the journey test's
 * CPU, on a machine whose two cores the other tests need). A learner's eye is slower than 100 ms.
 */
const SCREEN_POLL_MS = 100;

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

export class Pty {
  private static count = 0;
  readonly name = `workbook-${process.pid}-${Pty.count++}`;
  // A tmux server per terminal: closing the last session of a shared server makes it exit, and a
  // session opened right then met it exiting ("server exited unexpectedly", seen in CI).
  private readonly socket = `workbook-test-${this.name}`;

  constructor(command: string, cwd: string, env: Record<string, string> = {}, size = { columns: 120, rows: 40 }) {
    const exports = Object.entries({ NO_COLOR: '1', REDIS_URL: '', ...env })
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, "'\\''")}'`)
      .join('; ');
    // The shell stays after the command ends, so the test can read its last screen.
    this.tmux('new-session', '-d', '-s', this.name, '-x', String(size.columns), '-y', String(size.rows), '-c', cwd, `${exports}; ${command}; echo "[exited $?]"; sleep 600`);
  }

  /** What the terminal shows now, plus its scrollback. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', this.name);
  }

  async waitFor(pattern: RegExp, ms: number, what: string): Promise<RegExpExecArray> {
    let found: RegExpExecArray | null = null;
    try {
      await until(() => (found = pattern.exec(this.screen())) !== null, what, ms, SCREEN_POLL_MS);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen:\n${this.screen().split('\n').filter((l) => l.trim()).slice(-60).join('\n')}`);
    }
    return found as unknown as RegExpExecArray;
  }

  /** Types keys: tmux key names ('Enter', 'Down', 'C-c') or literal text. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** The pid of the process the pane runs (the shell), whose children are the command's tree. */
  shellPid(): number {
    return Number(this.tmux('display-message', '-p', '-t', this.name, '#{pane_pid}').trim());
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
}

/** Every descendant of `pid` (children, grandchildren, …) as the kernel lists them now. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Gone while we looked.
    }
  }
  const out: number[] = [];
  const visit = (p: number): void => {
    for (const child of children.get(p) ?? []) {
      out.push(child);
      visit(child);
    }
  };
  visit(pid);
  return out;
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}
