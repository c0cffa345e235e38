/**
 * A throwaway copy of the workbook in a temp folder — its own git repository, progress file and
 * exercises — for end-to-end tests and benchmarks of the learner's loop that must edit exercise
 * files without touching the real ones. node_modules is linked, not copied.
 */
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../catalog/paths.ts';
import { within } from './wait.ts';

const COPIED = ['package.json', 'tsconfig.json', 'vitest.config.ts', 'src', 'exercises', 'solutions', 'labs', 'scripts', 'deck'];

export interface Sandbox {
  root: string;
  remove(): void;
}

export function createSandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'workbook-sandbox-'));
  for (const entry of COPIED) cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  // A repository of its own, so `reset` finds the starting files by their blob ids.
  const git = (...args: string[]): void => {
    execFileSync('git', args, { cwd: root, stdio: 'ignore' });
  };
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=sandbox', '-c', 'user.email=sandbox@example.invalid', 'commit', '-qm', 'sandbox');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A CLI process in the sandbox whose output a test can wait on, line by line. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  output = '';
  private readonly waiters: Array<{ offset: number; pattern: RegExp; resolve: (match: RegExpExecArray) => void }> = [];
  private cursor = 0;
  readonly exited: Promise<number | null>;

  constructor(sandbox: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), args, {
      cwd: sandbox.root,
      env: { ...process.env, NO_COLOR: '1', REDIS_URL: '', ...env },
    });
    const collect = (data: Buffer): void => {
      this.output += data.toString();
      for (const waiter of [...this.waiters]) {
        const match = matchFrom(this.output, waiter.pattern, waiter.offset);
        if (match) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    };
    this.child.stdout.on('data', collect);
    this.child.stderr.on('data', collect);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Waits for `pattern` to appear in output printed after the previous match. */
  async expect(pattern: RegExp, ms: number, what: string): Promise<RegExpExecArray> {
    const offset = this.cursor;
    const found =
      matchFrom(this.output, pattern, offset) ??
      (await within(new Promise<RegExpExecArray>((resolve) => this.waiters.push({ offset, pattern, resolve })), ms, `${what} (output so far:\n${this.output.slice(-1500)}\n)`));
    this.cursor = (found.index ?? 0) + found[0].length;
    return found;
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }
}

function matchFrom(text: string, pattern: RegExp, offset: number): RegExpExecArray | null {
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  const regex = new RegExp(pattern.source, flags);
  regex.lastIndex = offset;
  return regex.exec(text);
}
