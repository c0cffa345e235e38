/**
 * The exercise contract, proved through the learner's loop's own code path — runner (a killable
 * child process with a deadline) → verdict → render → record — for every exercise:
 *
 *   solutions  the reference solution passes, renders, and is recorded as done;
 *   starters   the untouched starting file fails, within the deadline, renders without an internal
 *              error, and is not recorded as done;
 *   runaway    code that never returns is stopped at its deadline, and the verdict says so — for
 *              one exercise per way of running the learner's code (runawaySample), since the
 *              deadline and the kill depend on the broker and on whether the tests start a child
 *              process, not on the exercise.
 *
 * Every verdict must name only that exercise's tests (a warm test runner remembers every module it
 * ever ran; a verdict must not). Returns the violations, one line each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exercise, Track } from '../src/catalog/catalog.ts';
import { startsLearnerProcess, testSource } from '../src/catalog/test-source.ts';
import type { SessionBrokers } from '../src/learn/brokers.ts';
import { renderVerdict } from '../src/learn/report.ts';
import { ExerciseRunner, type Verdict } from '../src/learn/runner.ts';
import { bad, dim, ok } from '../src/learn/style.ts';
import { Workbook } from '../src/learn/workbook.ts';
import type { ExerciseTarget } from '../src/testing/exercise-target.ts';

export type LoopTarget = Extract<ExerciseTarget, 'solutions' | 'starters' | 'runaway'>;

/** Short, so that 53 runaways cost minutes, not an hour; the learner's deadlines are longer. */
const RUNAWAY_DEADLINE_MS = 3_000;
/** How late past its deadline a runaway may be reported (the kill, the machine being busy). */
const RUNAWAY_SLACK_MS = 8_000;

export interface LoopContractResult {
  violations: string[];
  checked: number;
  skipped: Array<{ exercise: Exercise; why: string }>;
}

export async function checkThroughTheLoop(
  target: LoopTarget,
  tracks: Track[],
  brokers: SessionBrokers,
  { lanes = 2, log = console.log }: { lanes?: number; log?: (line: string) => void } = {},
): Promise<LoopContractResult> {
  const everyExercise = tracks.flatMap((t) => t.exercises);
  const exercises = target === 'runaway' ? runawaySample(everyExercise) : everyExercise;
  const progressDir = mkdtempSync(join(tmpdir(), 'workbook-contract-'));
  const workbook = new Workbook({ tracks, progressFile: join(progressDir, 'progress.json'), backupsDir: join(progressDir, 'backups') });
  const violations: string[] = [];
  const skipped: LoopContractResult['skipped'] = [];
  let checked = 0;
  const queue = [...exercises];
  const lane = async (): Promise<void> => {
    const runner = new ExerciseRunner(target);
    try {
      for (let exercise = queue.shift(); exercise; exercise = queue.shift()) {
        const unavailable = await brokers.ensure(exercise.broker);
        if (unavailable) {
          skipped.push({ exercise, why: unavailable });
          continue;
        }
        const started = performance.now();
        const verdict = await runner.run(exercise, {
          env: brokers.env(),
          ...(target === 'runaway' ? { deadlineMs: RUNAWAY_DEADLINE_MS, coldAllowanceMs: 2_000 } : {}),
        });
        const problem = judge(target, exercise, verdict, workbook, performance.now() - started, everyExercise);
        checked++;
        if (problem) {
          violations.push(`${exercise.id} (${target}): ${problem}`);
          log(`${bad('✗')} ${exercise.id} ${bad(problem)}`);
        } else log(`${ok('✓')} ${exercise.id} ${dim(`${describe(verdict)} (${Math.round(performance.now() - started)} ms)`)}`);
      }
    } finally {
      await runner.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, lanes) }, () => lane()));
  } finally {
    rmSync(progressDir, { recursive: true, force: true });
  }
  return { violations, checked, skipped };
}

/**
 * The exercises whose runaways prove the loop's deadline for every exercise: the first of each
 * broker (its deadline, its broker's connections held open by code that never returns), and every
 * exercise whose tests run the learner's code in a child process of their own (the kill must reach
 * it). Fifty-four runaways would cost two minutes of `npm test` to prove the same seven paths.
 */
export function runawaySample(exercises: readonly Exercise[]): Exercise[] {
  const firstOfBroker = new Map<string, Exercise>();
  for (const exercise of exercises) if (!firstOfBroker.has(exercise.broker)) firstOfBroker.set(exercise.broker, exercise);
  const childProcess = exercises.filter(startsLearnerProcess);
  return exercises.filter((exercise) => firstOfBroker.get(exercise.broker) === exercise || childProcess.includes(exercise));
}

function judge(target: LoopTarget, exercise: Exercise, verdict: Verdict, workbook: Workbook, elapsedMs: number, everyExercise: Exercise[]): string | undefined {
  let rendered: string;
  try {
    rendered = renderVerdict(exercise, verdict);
  } catch (error) {
    return `the verdict does not render: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!rendered.trim() || /Unexpected error|bug in the workbook|\[object Object\]/.test(rendered)) {
    return `the verdict renders badly:\n${rendered}`;
  }
  const foreign = foreignTests(exercise, verdict, everyExercise);
  if (foreign.length > 0) return `the verdict names tests that are not this exercise's: ${foreign.slice(0, 3).join('; ')}`;
  const done = workbook.record(exercise, verdict);
  switch (target) {
    case 'solutions':
      if (verdict.kind !== 'passed') return `the reference solution does not pass through the loop:\n${indent(rendered)}`;
      if (!done || !workbook.isDone(exercise)) return 'a passing reference solution was not recorded as done';
      return undefined;
    case 'starters':
      if (done || workbook.isDone(exercise)) return 'the untouched starting file was recorded as done';
      if (verdict.kind === 'passed') return 'passes before anyone solved it: the tests must check what the learner has to write';
      if (verdict.kind === 'timed-out') {
        return `the untouched starting file runs into the loop's deadline (${verdict.deadlineMs} ms${verdict.runningTest ? `, in "${verdict.runningTest}"` : ''}): a learner would be told their code never finishes. Make the tests fail faster, or raise the deadline in src/learn/runner.ts.`;
      }
      return undefined;
    case 'runaway':
      if (verdict.kind !== 'timed-out') return `code that never returns was not stopped as a runaway (verdict: ${verdict.kind})`;
      // From the moment the tests were handed to a ready runner (a new runner process takes seconds to start).
      if ((verdict.ranMs ?? elapsedMs) > RUNAWAY_DEADLINE_MS + 2_000 + RUNAWAY_SLACK_MS) return `the runaway was stopped only after ${verdict.ranMs ?? Math.round(elapsedMs)} ms`;
      if (done) return 'a runaway was recorded as done';
      return undefined;
  }
}

/**
 * Test names in the verdict that belong to another exercise: not found in this exercise's test
 * files, and found in another's. (Titles may interpolate values, so a title missing from its own
 * file alone proves nothing; one that another exercise's file holds is a leak from an earlier run.)
 */
function foreignTests(exercise: Exercise, verdict: Verdict, everyExercise: Exercise[]): string[] {
  if (!('tests' in verdict)) return [];
  const own = testSource(exercise);
  const others = everyExercise.filter((e) => e !== exercise).map(testSource);
  return verdict.tests
    .map((t) => t.name)
    .filter((name) => {
      const title = (name.split(' > ').pop() ?? name).slice(0, 40);
      return title.length >= 8 && !own.includes(title) && others.some((source) => source.includes(title));
    });
}

function describe(verdict: Verdict): string {
  if (verdict.kind === 'timed-out') return `stopped at ${verdict.deadlineMs} ms${verdict.runningTest ? ` in "${verdict.runningTest}"` : ' while loading'}`;
  if ('tests' in verdict) return `${verdict.kind}, ${verdict.tests.filter((t) => t.passed).length}/${verdict.tests.length}`;
  return verdict.kind;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}
