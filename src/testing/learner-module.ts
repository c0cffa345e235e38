/**
 * For tests that run the code under test in a child process (to crash it for real, say): the path
 * of the learner's file as this test run sees it — the learner's own, the reference solution, or
 * the starting version — exactly as the import redirection does for in-process imports.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { targetFile, type ExerciseTarget } from './exercise-target.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    exerciseTarget: ExerciseTarget;
  }
}

export function learnerModulePath(testFileUrl: string, file: string): string {
  return targetFile(inject('exerciseTarget'), join(dirname(fileURLToPath(testFileUrl)), file));
}
