/**
 * Type errors count, as compile errors do in rustlings: the loop type-checks the learner's files
 * beside every test run, shows any error with its line, and an exercise with type errors is not
 * done. The checking happens in a child process with a warm language service (typecheck-host.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../catalog/paths.ts';
import type { CheckRequest, CheckResult } from './typecheck-host.ts';

export interface TypeProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  /** The line of code, trimmed. */
  code: string;
}

const HOST = fileURLToPath(new URL('./typecheck-host.ts', import.meta.url));
/** A check slower than this is skipped (the tests' verdict still stands); the first one loads types. */
const CHECK_DEADLINE_MS = 30_000;

export class TypeChecker {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (problems: TypeProblem[] | undefined) => void>();

  /** The problems in `files`, or undefined when the check could not be done in time. */
  check(files: string[]): Promise<TypeProblem[] | undefined> {
    const child = this.process();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), CHECK_DEADLINE_MS);
      const finish = (problems: TypeProblem[] | undefined): void => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(problems);
      };
      this.waiting.set(id, finish);
      try {
        child.send({ id, files } satisfies CheckRequest);
      } catch {
        finish(undefined);
      }
    });
  }

  close(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
    for (const finish of [...this.waiting.values()]) finish(undefined);
  }

  private process(): ChildProcess {
    if (this.child && this.child.exitCode === null && !this.child.killed) return this.child;
    const child = fork(HOST, [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    child.on('message', (result: CheckResult) => this.waiting.get(result.id)?.(result.problems));
    child.on('error', () => {});
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
      for (const finish of [...this.waiting.values()]) finish(undefined);
    });
    // Behind the tests in the queue for the processor: the verdict must not wait on the first, slow check.
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, 10);
      } catch {
        // Not allowed here: it runs at normal priority.
      }
    }
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    this.child = child;
    return child;
  }
}
