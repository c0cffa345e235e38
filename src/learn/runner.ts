/**
 * Runs an exercise's tests and turns the result into a verdict a learner can read.
 *
 * One Vitest instance stays warm for the whole session (its global setup starts the embedded Redis
 * once), so a rerun after a save costs a few hundred milliseconds instead of a cold start.
 */
import { join } from 'node:path';
import type { TestError } from 'vitest';
import { createVitest, type TestModule, type Vitest } from 'vitest/node';
import type { Exercise } from '../catalog/catalog.ts';
import { ROOT } from '../catalog/paths.ts';
import type { ExerciseTarget } from '../testing/exercise-target.ts';
import { findSyntaxError, type SyntaxProblem } from './syntax.ts';

export interface Location {
  file: string;
  line: number;
  column: number;
}

export interface Failure {
  message: string;
  expected?: string;
  actual?: string;
  /** Where in the learner's file the error was thrown, when it was. */
  inLearnerFile?: Location;
  /** The line of the test that failed. */
  inTest?: Location;
}

export interface TestOutcome {
  name: string;
  passed: boolean;
  failure?: Failure;
}

export type Verdict =
  | { kind: 'passed'; tests: TestOutcome[]; durationMs: number }
  | { kind: 'failed'; tests: TestOutcome[]; durationMs: number }
  | { kind: 'syntax-error'; problem: SyntaxProblem; durationMs: number }
  /** The test file could not run at all (an import failed, the module threw while loading). */
  | { kind: 'broken'; message: string; inLearnerFile?: Location; durationMs: number };

export class ExerciseRunner {
  private vitest: Promise<Vitest> | undefined;

  constructor(private readonly target: ExerciseTarget = 'exercises') {}

  async run(exercise: Exercise): Promise<Verdict> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    if (this.target === 'exercises') {
      for (const file of exercise.files) {
        const problem = findSyntaxError(join(exercise.dir, file));
        if (problem) return { kind: 'syntax-error', problem, durationMs: elapsed() };
      }
    }
    const vitest = await this.instance();
    for (const file of exercise.files) {
      vitest.invalidateFile(join(exercise.dir, file));
      vitest.invalidateFile(join(exercise.solutionDir, file));
    }
    const project = vitest.getProjectByName(this.target);
    const specs = exercise.tests.map((test) => project.createSpecification(join(exercise.dir, test)));
    const result = await vitest.runTestSpecifications(specs);
    const learnerFiles = exercise.files.map((f) => join(exercise.dir, f));
    for (const module of result.testModules) {
      const error = module.errors()[0];
      if (error) return { kind: 'broken', message: firstLines(error.message), inLearnerFile: locate(error, learnerFiles), durationMs: elapsed() };
    }
    const unhandled = result.unhandledErrors[0];
    const tests = result.testModules.flatMap((module) => outcomes(module, learnerFiles));
    if (unhandled) {
      const error = unhandled as TestError;
      return { kind: 'broken', message: `an error escaped the tests: ${firstLines(error.message ?? String(unhandled))}`, inLearnerFile: locate(error, learnerFiles), durationMs: elapsed() };
    }
    if (tests.length === 0) return { kind: 'broken', message: 'the test file defines no tests', durationMs: elapsed() };
    return { kind: tests.every((t) => t.passed) ? 'passed' : 'failed', tests, durationMs: elapsed() };
  }

  /** Stops a run under way, if any (its run() then resolves or rejects soon after). */
  async cancel(): Promise<void> {
    if (this.vitest) await (await this.vitest).cancelCurrentRun('keyboard-input');
  }

  async close(): Promise<void> {
    const pending = this.vitest;
    this.vitest = undefined;
    if (pending) await (await pending).close();
  }

  private instance(): Promise<Vitest> {
    this.vitest ??= createVitest('test', {
      watch: false,
      root: ROOT,
      project: [this.target],
      // Silent: the learner reads our verdict, not Vitest's report.
      reporters: [{}],
    });
    return this.vitest;
  }
}

function outcomes(module: TestModule, learnerFiles: string[]): TestOutcome[] {
  return [...module.children.allTests()].map((test) => {
    const result = test.result();
    const name = test.fullName.replace(/^.*? > /, '');
    if (result.state !== 'failed') return { name, passed: result.state === 'passed' };
    const error = result.errors?.[0];
    if (!error) return { name, passed: false, failure: { message: 'failed without an error message' } };
    return {
      name,
      passed: false,
      failure: {
        message: firstLines(error.message),
        expected: error.expected,
        actual: error.actual,
        inLearnerFile: locate(error, learnerFiles),
        inTest: locate(error, [module.moduleId]),
      },
    };
  });
}

function locate(error: TestError, files: string[]): Location | undefined {
  const frame = error.stacks?.find((s) => files.includes(s.file));
  return frame ? { file: frame.file, line: frame.line, column: frame.column } : undefined;
}

function firstLines(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 3).join('\n').trim();
}
