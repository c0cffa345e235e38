/**
 * The fourth part of the exercise contract: every known-wrong solution (solutions/…/mistakes/<slug>/)
 * fails the test named in its `Caught by:` line.
 *
 * Fast by construction: one Vitest instance (project `mistakes`), and rounds instead of a process
 * per mistake — round k runs every exercise's tests against its k-th mistake at once, and only the
 * `Caught by` tests (a test-name filter per file). A mistake that is not caught is run once more
 * with all its tests, to say what happened ("passed green", "failed only on …").
 */
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { createVitest, type TestModule, type TestProject, type TestSpecification, type Vitest } from 'vitest/node';
import type { Exercise } from '../src/catalog/catalog.ts';
import { loadMistakes, type Mistake } from '../src/catalog/mistakes.ts';
import { ROOT } from '../src/catalog/paths.ts';
import { startsLearnerProcess } from '../src/catalog/test-source.ts';
import { currentMistakeSelection, setMistakeSelection, type MistakeSelection } from '../src/testing/exercise-target.ts';
import { bad, dim, ok } from '../src/learn/style.ts';
import { judgeMistake, type MistakeObservation, type TestOutcome } from './mistake-verdict.ts';

/** The issue's bar: an exercise proves its tests against at least this many known-wrong solutions. */
export const MIN_MISTAKES = 3;

/** Workers per lane (see runLane). */
const MISTAKE_WORKERS = Math.max(4, availableParallelism() * 2);
/** Vitest instances side by side (see dealIntoLanes). */
const MISTAKE_LANES = 3;

interface Trial {
  exercise: Exercise;
  mistake: Mistake;
}

export interface MistakesReport {
  violations: string[];
  mistakes: number;
  seconds: number;
}

export async function checkMistakes(exercises: Exercise[], log: (line: string) => void = console.log): Promise<MistakesReport> {
  const started = performance.now();
  const violations: string[] = [];
  const byExercise = exercises.map((exercise) => ({ exercise, mistakes: loadMistakes(exercise) }));
  for (const { exercise, mistakes } of byExercise) {
    if (mistakes.length < MIN_MISTAKES) {
      violations.push(`${exercise.id} has ${mistakes.length} known-wrong solution(s) in solutions/${exercise.id}/mistakes/; it needs at least ${MIN_MISTAKES}`);
    }
  }
  const total = byExercise.reduce((n, { mistakes }) => n + mistakes.length, 0);
  if (total === 0) return { violations, mistakes: 0, seconds: 0 };

  const lanes = dealIntoLanes(byExercise.filter(({ mistakes }) => mistakes.length > 0), MISTAKE_LANES);
  const caughtPerExercise = new Map<string, number>();
  const slow: string[] = [];
  try {
    await Promise.all(
      lanes.map((lane, i) =>
        runLane(lane, (line) => log(lanes.length > 1 ? `lane ${i + 1}: ${line}` : line), (trial, verdict) => {
          if (verdict.caught) {
            caughtPerExercise.set(trial.exercise.id, (caughtPerExercise.get(trial.exercise.id) ?? 0) + 1);
            if (verdict.slow) slow.push(`${trial.exercise.id} ${trial.mistake.slug}`);
          } else {
            violations.push(`${trial.exercise.id}: mistake ${trial.mistake.slug} (${trial.mistake.summary}) ${verdict.problem}`);
          }
        }),
      ),
    );
  } finally {
    setMistakeSelection({});
  }
  for (const { exercise, mistakes } of byExercise) {
    if (mistakes.length === 0) continue;
    const caught = caughtPerExercise.get(exercise.id) ?? 0;
    const line = `${exercise.id} ${dim(`${caught}/${mistakes.length} known-wrong solutions rejected`)}`;
    log(`  ${caught === mistakes.length ? ok('✓') : bad('✗')} ${line}`);
  }
  for (const name of slow) log(dim(`  (slow: ${name} is caught only by a timeout; make its test fail by an assertion)`));
  return { violations, mistakes: total, seconds: (performance.now() - started) / 1000 };
}

interface ExerciseMistakes {
  exercise: Exercise;
  mistakes: Mistake[];
}

/**
 * Exercises dealt into lanes, each lane a Vitest instance of its own. A round lasts as long as its
 * slowest mistake, and the exercises whose tests start the learner's code in a child process take
 * many seconds per mistake (04_kafka/07's take 12–16 s: a process start, a group join, a session
 * timeout). In one instance every round waited for them; in a lane of their own, the other lanes go
 * through their rounds meanwhile. The others are dealt by number of mistakes, most first, each to the
 * lane with the fewest so far; each lane keeps the catalog's order.
 */
function dealIntoLanes(exercises: ExerciseMistakes[], count: number): ExerciseMistakes[][] {
  const slow = exercises.filter(({ exercise }) => startsLearnerProcess(exercise));
  const rest = exercises.filter((e) => !slow.includes(e));
  const lanes = Array.from({ length: Math.max(1, count - (slow.length > 0 ? 1 : 0)) }, () => ({ mistakes: 0, exercises: [] as ExerciseMistakes[] }));
  for (const e of [...rest].sort((a, b) => b.mistakes.length - a.mistakes.length)) {
    const lightest = lanes.reduce((min, lane) => (lane.mistakes < min.mistakes ? lane : min));
    lightest.mistakes += e.mistakes.length;
    lightest.exercises.push(e);
  }
  const order = new Map(exercises.map((e, i) => [e, i]));
  return [slow, ...lanes.map((lane) => lane.exercises)]
    .filter((lane) => lane.length > 0)
    .map((lane) => lane.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)));
}

/**
 * One Vitest instance's rounds: round k runs the k-th mistake of each of its exercises at once.
 *
 * Most of a mistake's test time is spent waiting (on Redis, a latency proxy, a deadline), not on the
 * CPU: more workers than cores keeps both busy (Vitest's default is cores − 1). And workers are
 * reused across test files (isolate: false), so ioredis and the test helpers are imported once per
 * worker, not once per file: on 2 cores that is 70 s instead of 250 s for 120 mistakes. Each round
 * still evaluates every test file afresh, importing the mistake chosen for it: the test files are
 * invalidated before each round (scripts/mistakes.test.ts checks a green mistake that runs, in the
 * same worker, right after a caught one of the same exercise).
 */
async function runLane(exercises: ExerciseMistakes[], log: (line: string) => void, judged: (trial: Trial, verdict: ReturnType<typeof judgeMistake>) => void): Promise<void> {
  const rounds: Trial[][] = [];
  for (const { exercise, mistakes } of exercises) {
    mistakes.forEach((mistake, k) => (rounds[k] ??= []).push({ exercise, mistake }));
  }
  const vitest = await createVitest('test', {
    watch: false,
    root: ROOT,
    project: ['mistakes'],
    reporters: [{}],
    maxWorkers: MISTAKE_WORKERS,
    isolate: false,
  });
  try {
    const project = vitest.projects.find((p) => p.name === 'mistakes');
    if (!project) throw new Error('vitest.config.ts has no project called "mistakes".');
    for (const [k, round] of rounds.entries()) {
      const from = performance.now();
      const { observed, seconds } = await runRound(vitest, project, round, true);
      const slowest = round
        .map((trial) => ({ trial, s: seconds.get(trial.exercise.id) ?? 0 }))
        .sort((a, b) => b.s - a.s)
        .slice(0, 2)
        .map(({ trial, s }) => `${trial.exercise.id} ${trial.mistake.slug} ${s.toFixed(1)} s`);
      log(dim(`  round ${k + 1}/${rounds.length}: ${round.length} mistake(s) in ${((performance.now() - from) / 1000).toFixed(1)} s (slowest: ${slowest.join(', ')})`));
      for (const trial of round) {
        let verdict = judgeMistake(trial.mistake, observed.get(trial.exercise.id) ?? { tests: [] });
        if (!verdict.caught && verdict.rerunAll) {
          const { observed: full } = await runRound(vitest, project, [trial], false);
          verdict = judgeMistake(trial.mistake, full.get(trial.exercise.id) ?? { tests: [] });
        }
        judged(trial, verdict);
      }
    }
  } finally {
    await vitest.close();
  }
}

/** Runs each trial's exercise against its mistake, all at once; what each exercise's tests did, and how long they took. */
async function runRound(
  vitest: Vitest,
  project: TestProject,
  trials: Trial[],
  onlyCaughtBy: boolean,
): Promise<{ observed: Map<string, MistakeObservation>; seconds: Map<string, number> }> {
  const selection: MistakeSelection = {};
  const specs: TestSpecification[] = [];
  for (const { exercise, mistake } of trials) {
    selection[exercise.dir] = { mistake: mistake.dir, solution: exercise.solutionDir };
    const testNamePattern = onlyCaughtBy ? titlePattern(mistake.caughtBy) : undefined;
    for (const test of exercise.tests) {
      const file = `${exercise.dir}/${test}`;
      // The test file's transform holds the resolved import of the learner's file: resolve it anew.
      vitest.invalidateFile(file);
      specs.push(project.createSpecification(file, testNamePattern ? { testNamePattern } : undefined));
    }
  }
  // Other lanes run other exercises meanwhile: change only this round's exercises in the selection.
  setMistakeSelection({ ...currentMistakeSelection(), ...selection });
  project.provide('mistakeSelection', selection);
  const result = await vitest.runTestSpecifications(specs);
  const byDir = new Map(trials.map((t) => [t.exercise.dir, t.exercise.id]));
  const observed = new Map<string, MistakeObservation>();
  const seconds = new Map<string, number>();
  for (const module of result.testModules) {
    const id = byDir.get(dirname(module.moduleId));
    if (!id) continue;
    const { collectDuration, duration } = module.diagnostic();
    seconds.set(id, (seconds.get(id) ?? 0) + (collectDuration + duration) / 1000);
    const entry = observed.get(id) ?? { tests: [] };
    const loadError = moduleError(module);
    if (loadError) entry.loadError ??= loadError;
    entry.tests.push(...outcomes(module));
    observed.set(id, entry);
  }
  return { observed, seconds };
}

/** Vitest matches a test's full name (describe titles, then the test's): anchor the title at the end. */
function titlePattern(titles: string[]): RegExp {
  return new RegExp(`(?:^|\\s)(?:${titles.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
}

function outcomes(module: TestModule): TestOutcome[] {
  return [...module.children.allTests()].map((test) => {
    const result = test.result();
    const error = result.state === 'failed' ? result.errors?.[0] : undefined;
    return { name: test.name, state: result.state, message: error ? firstLine(error.message) : undefined };
  });
}

function moduleError(module: TestModule): string | undefined {
  const error = module.errors()[0];
  if (error) return firstLines(error.message, 2);
  const collected = [...module.children.allTests()].length;
  return collected === 0 && module.state() === 'failed' ? 'the test file failed before any test ran' : undefined;
}

function firstLine(text: string | undefined): string {
  return firstLines(text, 1);
}

function firstLines(text: string | undefined, count: number): string {
  const lines = (text ?? '').split('\n').map((line) => line.trim()).filter(Boolean).slice(0, count);
  return lines.length > 0 ? lines.join(' ') : '(no message)';
}
