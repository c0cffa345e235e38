import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Workbook } from './workbook.ts';

let dir: string;
const open = (): Workbook => new Workbook({ progressFile: join(dir, 'progress.json'), backupsDir: join(dir, 'backups') });
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'workbook-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Workbook', () => {
  test('the current exercise is the first one not done, until the learner picks another', () => {
    const workbook = open();
    const [first, second, third] = workbook.exercises;
    expect(workbook.current()).toBe(first);
    workbook.record(first!, { kind: 'passed', tests: [], durationMs: 1 });
    expect(workbook.current()).toBe(second);
    workbook.go(third!);
    expect(open().current(), 'the choice survives a restart').toEqual(third);
  });

  test('hints are revealed one at a time and stop at the last', () => {
    const workbook = open();
    const exercise = workbook.exercises[0]!;
    const total = exercise.hints.length;
    for (let i = 1; i <= total + 1; i++) {
      const { shown } = workbook.revealHint(exercise);
      expect(shown).toEqual(exercise.hints.slice(0, Math.min(i, total)));
    }
    expect(open().progress.exercises[exercise.id]?.hintsShown).toBe(total);
  });

  test('next skips exercises already done and wraps around', () => {
    const workbook = open();
    const [first, second, third] = workbook.exercises;
    workbook.record(second!, { kind: 'passed', tests: [], durationMs: 1 });
    workbook.go(first!);
    expect(workbook.next()).toBe(third);
    for (const e of workbook.exercises) workbook.record(e, { kind: 'passed', tests: [], durationMs: 1 });
    expect(workbook.next(), 'nothing left').toBeUndefined();
  });

  test('a verdict other than passed never marks an exercise done', () => {
    const workbook = open();
    const exercise = workbook.exercises[0]!;
    expect(workbook.record(exercise, { kind: 'failed', tests: [], durationMs: 1 })).toBe(false);
    expect(workbook.record(exercise, { kind: 'broken', message: 'x', durationMs: 1 })).toBe(false);
    expect(workbook.isDone(exercise)).toBe(false);
    expect(workbook.record(exercise, { kind: 'passed', tests: [], durationMs: 1 }), 'the run that completes it').toBe(true);
    expect(workbook.record(exercise, { kind: 'passed', tests: [], durationMs: 1 }), 'later passes are not news').toBe(false);
  });
});
