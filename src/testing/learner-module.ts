/**
 * For tests that run the code under test in a child process (to crash it for real, say): the path
 * of the learner's file as this test run sees it — the learner's own, the reference solution, or
 * the starting version — exactly as the import redirection does for in-process imports.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { targetFile, type ExerciseTarget, type MistakeSelection } from './exercise-target.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    exerciseTarget: ExerciseTarget;
    /** Set for each run of the `mistakes` target by scripts/mistakes.ts. */
    mistakeSelection: MistakeSelection;
  }
}

export function learnerModulePath(testFileUrl: string, file: string): string {
  const target = inject('exerciseTarget');
  const selection = target === 'mistakes' ? inject('mistakeSelection') : undefined;
  return targetFile(target, join(dirname(fileURLToPath(testFileUrl)), file), selection);
}
