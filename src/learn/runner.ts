/**
 * Runs an exercise's tests for the loop and turns the result into a verdict.
 *
 * The tests run in a child process (runner-host.ts) that keeps one Vitest instance warm, so a rerun
 * after a save costs a few hundred milliseconds. Every run is bound to the exercise it ran and has
 * a deadline: past it, the child (and the test workers under it) is killed and the verdict says
 * which test was running. A new child starts for the next run. `cancel()` stops a run at once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exercise } from '../catalog/catalog.ts';
import { ROOT } from '../catalog/paths.ts';
import type { ExerciseTarget } from '../testing/exercise-target.ts';
import type { HostMessage, HostRequest, RunRequest } from './runner-host.ts';
import { findSyntaxError } from './syntax.ts';
import type { TestOutcome, Verdict } from './verdict.ts';

export type { Failure, Location, TestOutcome, Verdict } from './verdict.ts';

const HOST = fileURLToPath(new URL('./runner-host.ts', import.meta.url));

/** Deadlines: generous for tests that wait on brokers, short enough that a hang is seen quickly. */
export const DEADLINE_MS: Record<Exercise['broker'], number> = { none: 20_000, redis: 30_000, kafka: 45_000, sns: 60_000 };
/** A new runner process's first run also starts the test workers and transforms the test file. */
const COLD_START_ALLOWANCE_MS = 5_000;
/** How long a new runner process may take to load Vitest before the loop gives up on it. */
const HOST_START_MS = 60_000;

export interface RunOptions {
  /** Variables the tests need (the brokers' addresses); a change starts a new runner process. */
  env?: Record<string, string>;
  /** Overrides the exercise's deadline (tests use short ones). */
  deadlineMs?: number;
  /** Extra time for a runner process's first run (default 5 s). */
  coldAllowanceMs?: number;
  /** Called with the name of each test as it starts. */
  onTestStarted?: (name: string) => void;
}

export class RunnerError extends Error {}

export class ExerciseRunner {
  private host: Host | undefined;
  private hostEnv = '';
  /** Started as soon as a host is killed, so that the next run (the learner's fix) finds one warm. */
  private spare: { host: Host; env: string } | undefined;
  private closed = false;

  constructor(private readonly target: ExerciseTarget = 'exercises') {}

  deadlineFor(exercise: Exercise): number {
    // End-to-end tests shorten it to see a runaway stopped without waiting the learner's deadline.
    const override = Number(process.env.WORKBOOK_DEADLINE_MS);
    if (Number.isFinite(override) && override > 0) return override;
    return exercise.deadline !== undefined ? exercise.deadline * 1000 : DEADLINE_MS[exercise.broker];
  }

  async run(exercise: Exercise, options: RunOptions = {}): Promise<Verdict> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    if (this.target === 'exercises') {
      for (const file of exercise.files) {
        const problem = findSyntaxError(join(exercise.dir, file));
        if (problem) return { kind: 'syntax-error', problem, durationMs: elapsed() };
      }
    }
    const env = JSON.stringify(options.env ?? {});
    if (this.host && env !== this.hostEnv) {
      // A broker became ready (or went away) since this process started: it must see the new addresses.
      this.host.kill();
      this.host = undefined;
    }
    if (!this.host && this.spare?.env === env) {
      this.host = this.spare.host;
      this.spare = undefined;
    }
    const cold = !this.host || !this.host.hasRun;
    this.hostEnv = env;
    this.host ??= new Host(this.target, options.env ?? {});
    const host = this.host;
    const allowance = cold ? (options.coldAllowanceMs ?? COLD_START_ALLOWANCE_MS) : 0;
    const deadlineMs = (options.deadlineMs ?? this.deadlineFor(exercise)) + allowance;
    const request: Omit<RunRequest, 'runId'> = {
      target: this.target,
      testFiles: exercise.tests.map((t) => join(exercise.dir, t)),
      learnerFiles: exercise.files.map((f) => join(exercise.dir, f)),
      invalidate: exercise.files.flatMap((f) => [join(exercise.dir, f), join(exercise.solutionDir, f)]),
    };
    const outcome = await host.run(request, deadlineMs, options.onTestStarted);
    if (outcome.kind === 'verdict') return outcome.verdict;
    // Stop what is still running. Killing only the test workers keeps Vitest warm in the runner
    // process (it reports the lost worker and goes idle); if that does not bring it to rest, the
    // whole process group goes, and a spare starts now for the next run (the learner's fix).
    const name = host.testStartedLast();
    const stillUsable = outcome.kind !== 'crashed' && (await host.bringToRest());
    if (!stillUsable) {
      if (this.host === host) this.host = undefined;
      host.kill();
      if (!this.closed && !this.spare) this.spare = { host: new Host(this.target, options.env ?? {}), env };
    }
    if (outcome.kind === 'cancelled') throw new RunCancelled();
    if (outcome.kind === 'crashed') throw new RunnerError(outcome.message);
    const done = new Set(outcome.finished.map((t) => t.name));
    const running = name ?? outcome.started.filter((name) => !done.has(name)).at(-1);
    return {
      kind: 'timed-out',
      deadlineMs: deadlineMs - allowance,
      ...(running && !done.has(running) ? { runningTest: running } : {}),
      tests: outcome.finished,
      ranMs: outcome.ranMs,
      durationMs: elapsed(),
    };
  }

  /** Stops the run under way, if any: its run() rejects with RunCancelled at once. */
  cancel(): void {
    this.host?.cancel();
  }

  async close(): Promise<void> {
    this.closed = true;
    const hosts = [this.host, this.spare?.host];
    this.host = undefined;
    this.spare = undefined;
    for (const host of hosts) host?.kill();
  }

  /** PIDs of the runner process, for tests that check nothing outlives the loop. */
  get pid(): number | undefined {
    return this.host?.pid;
  }
}

export class RunCancelled extends Error {
  constructor() {
    super('the run was cancelled');
  }
}

type HostOutcome =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'timeout'; started: string[]; finished: TestOutcome[]; ranMs: number }
  | { kind: 'cancelled' }
  | { kind: 'crashed'; message: string };

/** One runner-host child process and the run under way in it (one at a time). */
class Host {
  private readonly child: ChildProcess;
  private nextRunId = 1;
  private pending:
    | { runId: number; settle: (outcome: HostOutcome) => void; started: string[]; finished: TestOutcome[]; onTestStarted?: (name: string) => void }
    | undefined;
  private readonly exited: Promise<void>;
  private dead = false;
  private lastOutput = '';
  private readonly ready: Promise<boolean>;
  /** False until the first run: that one also starts the test workers. */
  hasRun = false;
  private readonly statusFile: string;

  constructor(target: ExerciseTarget, extraEnv: Record<string, string>) {
    this.statusFile = join(mkdtempSync(join(tmpdir(), 'workbook-run-')), 'current-test');
    this.child = fork(HOST, [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      // Its own process group, so that killing it takes the test workers under it too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...process.env,
        ...extraEnv,
        FORCE_COLOR: '0',
        // The loop owns the brokers: the tests use the addresses above and start none of their own.
        WORKBOOK_LOOP: '1',
        WORKBOOK_RUNNER_TARGET: target,
        WORKBOOK_TEST_STATUS: this.statusFile,
      },
    });
    this.ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), HOST_START_MS);
      this.child.on('message', (message: HostMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(true);
        }
      });
      this.child.once('exit', () => resolve(false));
    });
    const keep = (data: Buffer): void => {
      this.lastOutput = (this.lastOutput + data.toString()).slice(-2_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('message', (message: HostMessage) => this.onMessage(message));
    this.child.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => {
        this.dead = true;
        for (const waiter of this.idleWaiters.splice(0)) waiter();
        const last = this.lastOutput.trim().split('\n').filter(Boolean).at(-1);
        this.pending?.settle({ kind: 'crashed', message: `the test runner stopped unexpectedly${last ? ` (${last})` : ''}` });
        resolve();
      });
    });
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The test that started last in this process, as the test worker wrote it (see src/testing/current-test.ts). */
  testStartedLast(): string | undefined {
    try {
      return readFileSync(this.statusFile, 'utf8') || undefined;
    } catch {
      return undefined;
    }
  }

  async run(request: Omit<RunRequest, 'runId'>, deadlineMs: number, onTestStarted?: (name: string) => void): Promise<HostOutcome> {
    if (this.pending) throw new RunnerError('a run is already under way');
    const cancelled = new Promise<'cancelled'>((resolve) => (this.cancelStart = () => resolve('cancelled')));
    const ready = await Promise.race([this.ready, cancelled]);
    this.cancelStart = undefined;
    if (ready === 'cancelled') return { kind: 'cancelled' };
    if (!ready || this.dead) {
      const last = this.lastOutput.trim().split('\n').filter(Boolean).at(-1);
      return { kind: 'crashed', message: `the test runner did not start${last ? ` (${last})` : ''}` };
    }
    rmSync(this.statusFile, { force: true });
    this.hasRun = true;
    const runId = this.nextRunId++;
    const sent = performance.now();
    return new Promise<HostOutcome>((resolve) => {
      const timer = setTimeout(
        () => settle({ kind: 'timeout', started: this.pending?.started ?? [], finished: this.pending?.finished ?? [], ranMs: Math.round(performance.now() - sent) }),
        deadlineMs,
      );
      const settle = (outcome: HostOutcome): void => {
        if (this.pending?.runId !== runId) return;
        clearTimeout(timer);
        this.pending = undefined;
        resolve(outcome);
      };
      this.pending = { runId, settle, started: [], finished: [], onTestStarted };
      this.busy = runId;
      this.send({ type: 'run', run: { ...request, runId } });
    });
  }

  private cancelStart: (() => void) | undefined;

  cancel(): void {
    this.cancelStart?.();
    if (this.pending) this.send({ type: 'cancel' });
    this.pending?.settle({ kind: 'cancelled' });
  }

  /** The run this process is still busy with (its result no longer wanted), if any. */
  private busy: number | undefined;
  private readonly idleWaiters: Array<() => void> = [];

  /**
   * After a cancel or a deadline: waits for Vitest to wind the run down; if it does not (a worker
   * frozen by the learner's loop), kills the test workers and waits again. True when the process is
   * idle and can serve the next run.
   */
  async bringToRest(): Promise<boolean> {
    if (this.dead) return false;
    if (await this.idleWithin(1_000)) return true;
    if (!this.killWorkers()) return false;
    return this.idleWithin(5_000);
  }

  private idleWithin(ms: number): Promise<boolean> {
    if (this.busy === undefined) return Promise.resolve(!this.dead);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(!this.dead);
      });
    });
  }

  /** SIGKILLs this process's children (Vitest's test workers); false where they cannot be found (no /proc). */
  private killWorkers(): boolean {
    const pid = this.child.pid;
    if (pid === undefined) return false;
    let entries: string[];
    try {
      entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
    } catch {
      return false;
    }
    let killed = 0;
    for (const entry of entries) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
        process.kill(Number(entry), 'SIGKILL');
        killed++;
      } catch {
        // Gone already.
      }
    }
    return killed > 0;
  }

  kill(): void {
    rmSync(dirname(this.statusFile), { recursive: true, force: true });
    if (this.dead || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }


  private send(request: HostRequest): void {
    try {
      this.child.send(request);
    } catch {
      // The child died: its exit handler settles the run.
    }
  }

  private onMessage(message: HostMessage): void {
    if ((message.type === 'done' || message.type === 'failed') && message.runId === this.busy) {
      this.busy = undefined;
      for (const waiter of this.idleWaiters.splice(0)) waiter();
    }
    const pending = this.pending;
    if (message.type === 'ready' || !pending || message.runId !== pending.runId) return;
    if (message.type === 'started') {
      pending.started.push(message.test);
      pending.onTestStarted?.(message.test);
    } else if (message.type === 'finished') {
      pending.finished.push({ name: message.test, passed: message.passed });
    } else if (message.type === 'done') pending.settle({ kind: 'verdict', verdict: message.verdict });
    else pending.settle({ kind: 'crashed', message: message.message });
  }
}
