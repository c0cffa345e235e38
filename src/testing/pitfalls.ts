/**
 * Helpers for the pitfalls track (exercises/09_pitfalls): a subscriber running in a process of its
 * own, so that a test can tell "handled the message" from "the process died of it".
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { Inbox, TimeoutError, within } from './wait.ts';

export interface FixtureProcess {
  /** Every line the process printed on stdout, in order. */
  lines: Inbox<string>;
  /** Waits for a line; fails at once, saying how, if the process exits first. */
  waitForLine(line: string, ms: number, what: string): Promise<void>;
  /** Null while it runs; its exit code (or signal) once it has exited. */
  exit(): string | null;
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript file with Node (`node --import tsx <script> ...args`). Its stdout becomes
 * lines; its stderr is kept to explain a crash. Killed when the test that started it finishes,
 * or by stop().
 */
export function runFixture(script: string, args: string[]): FixtureProcess {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'pipe' });
  const lines = new Inbox<string>();
  let stderr = '';
  let exitedWith: string | null = null;
  let pending = '';
  child.stdout.on('data', (data: Buffer) => {
    pending += data.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) lines.push(line);
  });
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => {
      exitedWith = signal ? `signal ${signal}` : `code ${code}`;
      resolve(exitedWith);
    }),
  );

  const describeExit = (how: string): string => {
    const reason = stderr.trim().split('\n').slice(0, 6).join('\n    ');
    return `the process exited (${how}) after printing ${JSON.stringify(lines.items)}${reason ? `; its error output:\n    ${reason}` : ''}`;
  };

  const stop = async (): Promise<void> => {
    if (exitedWith === null) child.kill('SIGKILL');
    await within(exited, 5_000, 'the fixture process stopping').catch(() => undefined);
  };
  onTestFinished(stop);

  return {
    lines,
    exit: () => exitedWith,
    stop,
    async waitForLine(line, ms, what) {
      if (lines.items.includes(line)) return;
      if (exitedWith !== null) throw new Error(`${what}: ${describeExit(exitedWith)}`);
      const died = exited.then((how) => {
        throw new Error(`${what}: ${describeExit(how)}`);
      });
      try {
        await Promise.race([lines.waitUntil((l) => l === line, ms, what), died]);
      } catch (error) {
        if (error instanceof TimeoutError) throw new TimeoutError(`${error.message}; output so far: ${JSON.stringify(lines.items)}`);
        throw error;
      } finally {
        died.catch(() => undefined);
      }
    },
  };
}
