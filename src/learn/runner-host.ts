/**
 * The child process that runs exercises' tests for the loop (see runner.ts): one warm Vitest
 * instance, driven over IPC. It lives in its own process so that the loop can kill it — a learner's
 * `while (true) {}` freezes the thread that runs it, and no in-process cancel reaches that.
 *
 * Messages in:  { type: 'run', run }  { type: 'cancel' }
 * Messages out: { type: 'ready' }  { type: 'started' | 'finished', runId, test }  { type: 'done', runId, verdict }
 *               { type: 'failed', runId, message }
 */
import type { TestCase, TestModule } from 'vitest/node';
import { createVitest, type Vitest } from 'vitest/node';
import { ROOT } from '../catalog/paths.ts';
import type { ExerciseTarget } from '../testing/exercise-target.ts';
import { collectVerdict, type Verdict } from './verdict.ts';

export interface RunRequest {
  runId: number;
  target: ExerciseTarget;
  testFiles: string[];
  learnerFiles: string[];
  /** Files whose cached modules must be dropped before the run (the learner's, the solution's). */
  invalidate: string[];
}

export type HostRequest = { type: 'run'; run: RunRequest } | { type: 'cancel' };
export type HostMessage =
  | { type: 'ready' }
  | { type: 'started'; runId: number; test: string }
  | { type: 'finished'; runId: number; test: string; passed: boolean }
  | { type: 'done'; runId: number; verdict: Verdict }
  | { type: 'failed'; runId: number; message: string };

const send = (message: HostMessage): void => {
  process.send?.(message);
};

const testName = (test: TestCase): string => test.fullName.replace(/^.*? > /, '');

let current: RunRequest | undefined;
const instances = new Map<ExerciseTarget, Promise<Vitest>>();

function instance(target: ExerciseTarget): Promise<Vitest> {
  let vitest = instances.get(target);
  if (!vitest) {
    vitest = createVitest('test', {
      watch: false,
      root: ROOT,
      project: [target],
      // Silent: the learner reads our verdict. The reporter only tells the loop which test is running,
      // so that a run stopped at its deadline can name it.
      reporters: [
        {
          onTestCaseReady(test: TestCase) {
            if (current) send({ type: 'started', runId: current.runId, test: testName(test) });
          },
          onTestCaseResult(test: TestCase) {
            if (current) send({ type: 'finished', runId: current.runId, test: testName(test), passed: test.result().state === 'passed' });
          },
        },
      ],
    });
    instances.set(target, vitest);
  }
  return vitest;
}

async function run(request: RunRequest): Promise<void> {
  const started = performance.now();
  current = request;
  try {
    const vitest = await instance(request.target);
    for (const file of request.invalidate) vitest.invalidateFile(file);
    const project = vitest.getProjectByName(request.target);
    const specs = request.testFiles.map((file) => project.createSpecification(file));
    const result = await vitest.runTestSpecifications(specs);
    const verdict = collectVerdict(result.testModules as TestModule[], {
      testFiles: request.testFiles,
      learnerFiles: request.learnerFiles,
      unhandledErrors: result.unhandledErrors,
      durationMs: Math.round(performance.now() - started),
    });
    send({ type: 'done', runId: request.runId, verdict });
  } catch (error) {
    send({ type: 'failed', runId: request.runId, message: error instanceof Error ? error.message : String(error) });
  } finally {
    current = undefined;
  }
}

process.on('message', (message: HostRequest) => {
  if (message.type === 'run') void run(message.run);
  else if (message.type === 'cancel') void Promise.all([...instances.values()].map(async (v) => (await v).cancelCurrentRun('keyboard-input')));
});

// The loop went away (quit, crash, SIGKILL): nothing here may outlive it, test workers included
// (this process leads its own process group).
process.on('disconnect', () => {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } finally {
    process.exit(0);
  }
});
for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});
process.on('SIGTERM', () => process.exit(0));
// Warm up before the first request: the loop's deadline starts when this says ready.
const target = (process.env.WORKBOOK_RUNNER_TARGET ?? 'exercises') as ExerciseTarget;
instance(target).then(
  () => send({ type: 'ready' }),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
