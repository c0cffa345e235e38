/**
 * Points an exercise's tests at the code under test without copying anything: the tests import the
 * learner's file by a relative path, and this Vite plugin redirects that one import.
 *
 *   exercises  – the learner's files as they are (the learner's loop)
 *   solutions  – solutions/<same path> (proves every reference solution passes)
 *   starters   – the starting version from git, for files the learner has edited (proves every
 *                untouched exercise fails, even in a clone where some are solved)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Plugin } from 'vitest/config';
import { EXERCISES_DIR, ROOT, SOLUTIONS_DIR, displayPath, isInside } from '../catalog/paths.ts';
import { gitBlobId, readLock, starterByKey } from '../catalog/starters.ts';

export type ExerciseTarget = 'exercises' | 'solutions' | 'starters';

/** Starting versions of edited files are written here (inside node_modules so imports of packages resolve). */
const STARTERS_CACHE = join(ROOT, 'node_modules', '.cache', 'pubsub-workbook', 'starters');

export function exerciseTarget(target: ExerciseTarget): Plugin {
  return {
    name: `workbook:exercise-target:${target}`,
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (target === 'exercises' || !importer || !source.startsWith('.')) return null;
      if (!importer.endsWith('.test.ts') || !isInside(EXERCISES_DIR, importer)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const exerciseDir = dirname(importer);
      if (!resolved || !isInside(exerciseDir, resolved.id) || resolved.id.endsWith('.test.ts')) return null;
      return targetFile(target, resolved.id);
    },
  };
}

/** Where a learner file's code comes from under `target` (also for tests that hand it to a child process). */
export function targetFile(target: ExerciseTarget, learnerFile: string): string {
  if (target === 'exercises') return learnerFile;
  const rel = relative(EXERCISES_DIR, learnerFile);
  if (target === 'solutions') {
    const solution = join(SOLUTIONS_DIR, rel);
    if (!existsSync(solution)) throw new Error(`No reference solution at ${displayPath(solution)}.`);
    return solution;
  }
  return starterPath(learnerFile, rel);
}

function starterPath(learnerFile: string, rel: string): string {
  const key = rel.split(sep).join('/');
  const lock = readLock();
  const blobId = lock[key];
  if (!blobId || !existsSync(learnerFile) || gitBlobId(readFileSync(learnerFile)) === blobId) return learnerFile;
  const copy = join(STARTERS_CACHE, blobId, basename(learnerFile));
  if (!existsSync(copy)) {
    mkdirSync(dirname(copy), { recursive: true });
    writeFileSync(copy, starterByKey(key, learnerFile, lock));
  }
  return copy;
}
