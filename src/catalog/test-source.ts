/**
 * What an exercise's tests are made of, read from their source: the loop's contract and the
 * mistakes' scheduler both need to know which exercises run the learner's code in a process of
 * its own (a process start, a group join, a session timeout: seconds per run, not milliseconds).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exercise } from './catalog.ts';

const sources = new Map<string, string>();

/** The exercise's test files, concatenated (read once per process). */
export function testSource(exercise: Pick<Exercise, 'id' | 'dir' | 'tests'>): string {
  let source = sources.get(exercise.id);
  if (source === undefined) {
    source = exercise.tests.map((t) => readFileSync(join(exercise.dir, t), 'utf8')).join('\n');
    sources.set(exercise.id, source);
  }
  return source;
}

/** Whether its tests hand the learner's module to a child process (through #testing/learner-module). */
export function startsLearnerProcess(exercise: Pick<Exercise, 'id' | 'dir' | 'tests'>): boolean {
  return testSource(exercise).includes('#testing/learner-module');
}
