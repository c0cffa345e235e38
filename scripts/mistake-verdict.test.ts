import { describe, expect, test } from 'vitest';
import { judgeMistake, type TestOutcome } from './mistake-verdict.ts';

const mistake = { caughtBy: ['close() releases every connection'] };
const passed = (name: string): TestOutcome => ({ name, state: 'passed' });
const failed = (name: string, message = 'expected 1 to be 0'): TestOutcome => ({ name, state: 'failed', message });

describe('whether a known-wrong solution was caught', () => {
  test('a mistake whose Caught by test fails is caught', () => {
    expect(judgeMistake(mistake, { tests: [passed('publishes'), failed('close() releases every connection')] })).toEqual({ caught: true, slow: false });
  });

  test('a mistake that passes green is reported, and a full run is asked for', () => {
    expect(judgeMistake(mistake, { tests: [passed('publishes'), passed('close() releases every connection')] })).toEqual({
      caught: false,
      problem: 'passed green: "close() releases every connection" must fail',
      rerunAll: true,
    });
  });

  test('a mistake that fails only on another test is reported with that test', () => {
    const verdict = judgeMistake(mistake, { tests: [failed('publishes'), passed('close() releases every connection')] });
    expect(verdict).toMatchObject({ caught: false, problem: expect.stringContaining('failed only on "publishes"') });
  });

  test('a mistake that does not load is reported as such, whatever the tests did', () => {
    const verdict = judgeMistake(mistake, { loadError: 'Transform failed: Expected ")"', tests: [] });
    expect(verdict).toEqual({ caught: false, problem: 'could not load: Transform failed: Expected ")"', rerunAll: false });
  });

  test('a Caught by line that names no test is reported', () => {
    const verdict = judgeMistake({ caughtBy: ['close() release every connection'] }, { tests: [failed('close() releases every connection')] });
    expect(verdict).toMatchObject({ caught: false, problem: expect.stringContaining('names no test') });
  });

  test('a mistake caught only by a timeout is flagged slow', () => {
    const verdict = judgeMistake(mistake, { tests: [failed('close() releases every connection', 'Test timed out in 15000ms.')] });
    expect(verdict).toEqual({ caught: true, slow: true });
  });
});
