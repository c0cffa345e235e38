/**
 * Every verdict renders, whatever a matcher reports: numbers, objects, arrays, undefined, errors
 * thrown outside any test, runs stopped at their deadline. (The loop contract in npm test renders
 * every exercise's real verdicts too; these pin the odd shapes down.)
 */
import { describe, expect, test } from 'vitest';
import { loadExercises } from '../catalog/catalog.ts';
import { renderTypeProblems, renderVerdict } from './report.ts';
import { printable, type Verdict } from './verdict.ts';

const exercise = loadExercises()[0]!;
// eslint-disable-next-line no-control-regex
const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

describe('printable', () => {
  test('turns whatever a matcher reports into text', () => {
    expect(printable(42)).toBe('42');
    expect(printable(0)).toBe('0');
    expect(printable(false)).toBe('false');
    expect(printable(null)).toBe('null');
    expect(printable(10n)).toBe('10');
    expect(printable({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(printable(undefined)).toBeUndefined();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(printable(cyclic)).toBe('[object Object]');
  });
});

describe('renderVerdict', () => {
  test('a failure comparing numbers names the expectation, what was expected and what came', () => {
    const verdict: Verdict = {
      kind: 'failed',
      durationMs: 12,
      tests: [
        { name: 'retries three times', passed: false, failure: { message: 'attempts: expected 2 to be greater than 2', expected: '2', actual: '2' } },
        { name: 'acks', passed: true },
      ],
    };
    const text = plain(renderVerdict(exercise, verdict));
    expect(text).toContain('1 of 2 checks fail');
    expect(text).toContain('retries three times');
    expect(text).toContain('attempts');
    expect(text).toContain('✓ acks');
  });

  test('an error outside any test is shown, and an "Unexpected token" message is not split as a matcher sentence', () => {
    const verdict: Verdict = {
      kind: 'failed',
      durationMs: 5,
      tests: [{ name: 'delivers', passed: true }],
      outsideTests: [{ message: `SyntaxError: Unexpected token 'h', "hello" is not valid JSON` }],
    };
    const text = plain(renderVerdict(exercise, verdict));
    expect(text).toContain('an error was thrown outside them');
    expect(text).toContain(`Unexpected token 'h'`);
  });

  test('a run stopped at its deadline names the test that never finished', () => {
    const text = plain(renderVerdict(exercise, { kind: 'timed-out', deadlineMs: 30_000, runningTest: 'waits for the ack', tests: [{ name: 'connects', passed: true }], durationMs: 30_010 }));
    expect(text).toContain('"waits for the ack" never finished');
    expect(text).toContain('a loop that never ends, or a promise that never settles');
    expect(plain(renderVerdict(exercise, { kind: 'timed-out', deadlineMs: 30_000, tests: [], durationMs: 30_010 }))).toContain('never got going');
  });

  test('a test file that could not load says so without blaming the learner when the learner file is not involved', () => {
    const text = plain(renderVerdict(exercise, { kind: 'broken', message: 'Cannot find package "x"', durationMs: 3 }));
    expect(text).toContain('could not run');
    expect(text).not.toContain('throws as soon as it is loaded');
  });

  test('type errors are listed with their lines', () => {
    const text = plain(renderTypeProblems([{ file: exercise.dir + '/x.ts', line: 3, column: 7, message: "Type 'string' is not assignable to type 'number'.", code: 'const n: number = "1";' }]));
    expect(text).toContain('A type error');
    expect(text).toContain(':3:7');
    expect(text).toContain('const n: number');
  });
});
