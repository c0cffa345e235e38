/**
 * What one run of an exercise's tests found, as plain data: it crosses a process boundary (the
 * tests run in a child process the loop can kill) and is rendered by report.ts.
 *
 * `collectVerdict` turns Vitest's results into a verdict. It reads only the test modules of this
 * run (a warm Vitest instance keeps every module it ever ran) and never trusts the shape of what a
 * matcher reports: `expected`/`actual` can be numbers, objects, arrays or undefined.
 */
import type { TestError } from 'vitest';
import type { TestModule } from 'vitest/node';
import type { SyntaxProblem } from './syntax.ts';

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
  /** Skipped or never reached (e.g. after a run was stopped). */
  skipped?: boolean;
  failure?: Failure;
}

export type Verdict =
  | { kind: 'passed'; tests: TestOutcome[]; durationMs: number; outsideTests?: Failure[] }
  | { kind: 'failed'; tests: TestOutcome[]; durationMs: number; outsideTests?: Failure[] }
  | { kind: 'syntax-error'; problem: SyntaxProblem; durationMs: number }
  /** The test file could not load at all (an import failed, the module threw while loading). */
  | { kind: 'broken'; message: string; inLearnerFile?: Location; durationMs: number }
  /** The run went past its deadline and was stopped: a loop that never ends or a promise that never settles. */
  | { kind: 'timed-out'; deadlineMs: number; runningTest?: string; tests: TestOutcome[]; durationMs: number; ranMs?: number };

export interface CollectOptions {
  /** Test files of this run: modules outside it are ignored. */
  testFiles: string[];
  learnerFiles: string[];
  unhandledErrors: readonly unknown[];
  durationMs: number;
}

export function collectVerdict(modules: readonly TestModule[], options: CollectOptions): Verdict {
  const { learnerFiles, durationMs } = options;
  const wanted = new Set(options.testFiles);
  const mine = modules.filter((m) => wanted.has(m.moduleId));
  const tests = mine.flatMap((module) => outcomes(module, learnerFiles));
  const moduleErrors = mine.flatMap((m) => m.errors());
  const ranAny = tests.some((t) => !t.skipped);
  if (!ranAny && moduleErrors[0]) {
    const error = moduleErrors[0];
    return { kind: 'broken', message: firstLines(messageOf(error)), inLearnerFile: locate(error, learnerFiles), durationMs };
  }
  if (mine.length === 0 || tests.length === 0) {
    return { kind: 'broken', message: mine.length === 0 ? 'the test file did not run' : 'the test file defines no tests', durationMs };
  }
  // Errors thrown outside any test (a hook, a timer firing after a test, an unhandled rejection):
  // they make the run fail even when every test passed, and the learner must see them.
  const outsideTests = [...moduleErrors, ...(options.unhandledErrors as TestError[])].map((e) => failureOf(e, learnerFiles));
  const passed = tests.every((t) => t.passed || t.skipped) && tests.some((t) => t.passed) && outsideTests.length === 0;
  return { kind: passed ? 'passed' : 'failed', tests, durationMs, ...(outsideTests.length ? { outsideTests } : {}) };
}

function outcomes(module: TestModule, learnerFiles: string[]): TestOutcome[] {
  return [...module.children.allTests()].map((test) => {
    const result = test.result();
    // The test's own title, without the describe blocks around it: that is what statements and mistakes name.
    const name = test.fullName.replace(/^.*? > /, '');
    if (result.state === 'passed') return { name, passed: true };
    if (result.state !== 'failed') return { name, passed: false, skipped: true };
    const error = result.errors?.[0];
    if (!error) return { name, passed: false, failure: { message: 'failed without an error message' } };
    return { name, passed: false, failure: { ...failureOf(error, learnerFiles), inTest: locate(error, [module.moduleId]) } };
  });
}

function failureOf(error: TestError, learnerFiles: string[]): Failure {
  const expected = printable(error?.expected);
  const actual = printable(error?.actual);
  return {
    message: firstLines(messageOf(error)),
    ...(expected !== undefined && actual !== undefined ? { expected, actual } : {}),
    inLearnerFile: locate(error, learnerFiles),
  };
}

/** Any value a matcher may report, as text; undefined only when there is nothing to show. */
export function printable(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null) return String(value);
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

function messageOf(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') {
    const name = 'name' in error && typeof error.name === 'string' && error.name !== 'Error' && error.name !== 'AssertionError' ? `${error.name}: ` : '';
    return `${name}${error.message}`;
  }
  return printable(error) ?? 'an error without a message';
}

function locate(error: TestError | undefined, files: string[]): Location | undefined {
  const stacks = Array.isArray(error?.stacks) ? error.stacks : [];
  const frame = stacks.find((s) => files.includes(s.file));
  return frame ? { file: frame.file, line: frame.line, column: frame.column } : undefined;
}

export function firstLines(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 3).join('\n').trim();
}
