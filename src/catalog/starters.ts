/**
 * The starting version of every learner file, pinned by its git blob id in exercises/starters.lock.json.
 *
 * Why blob ids: `reset` must restore the starting file even after the learner commits their own
 * work, and `npm test` must check that the *starting* files fail even in a clone where the learner
 * has solved some. Git already stores every starting version; the id finds it without keeping a copy.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbookError } from '../harness/errors.ts';
import type { Exercise } from './catalog.ts';
import { EXERCISES_DIR, ROOT, displayPath } from './paths.ts';

export const STARTERS_LOCK = join(EXERCISES_DIR, 'starters.lock.json');

export type StarterLock = Record<string, string>;

/** The id git gives a file's content (`git hash-object`). */
export function gitBlobId(content: Buffer | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function lockKey(exercise: Exercise, file: string): string {
  return `${exercise.id}/${file}`;
}

export function readLock(): StarterLock {
  if (!existsSync(STARTERS_LOCK)) return {};
  try {
    return JSON.parse(readFileSync(STARTERS_LOCK, 'utf8')) as StarterLock;
  } catch {
    throw new WorkbookError(`${displayPath(STARTERS_LOCK)} is not valid JSON: restore it with \`git checkout -- ${displayPath(STARTERS_LOCK)}\`.`);
  }
}

/** Computes the lock from the files as they are now (what `npm run exercises:lock` writes). */
export function computeLock(exercises: Exercise[]): StarterLock {
  const lock: StarterLock = {};
  for (const exercise of exercises) {
    for (const file of exercise.files) {
      lock[lockKey(exercise, file)] = gitBlobId(readFileSync(join(exercise.dir, file)));
    }
  }
  return lock;
}

export interface StarterStatus {
  file: string;
  path: string;
  blobId: string | undefined;
  /** The learner's file differs from its starting version. */
  edited: boolean;
}

export function starterStatus(exercise: Exercise, lock: StarterLock = readLock()): StarterStatus[] {
  return exercise.files.map((file) => {
    const path = join(exercise.dir, file);
    const blobId = lock[lockKey(exercise, file)];
    const current = existsSync(path) ? gitBlobId(readFileSync(path)) : undefined;
    return { file, path, blobId, edited: blobId !== undefined && current !== blobId };
  });
}

/** The starting content of a learner file, from git's object store. */
export function starterContent(exercise: Exercise, file: string, lock: StarterLock = readLock()): Buffer {
  return starterByKey(lockKey(exercise, file), join(exercise.dir, file), lock);
}

/** Same, by lock key (`track/exercise/file.ts`) and the learner file's path. */
export function starterByKey(key: string, path: string, lock: StarterLock = readLock()): Buffer {
  const blobId = lock[key];
  if (!blobId) {
    throw new WorkbookError(`${key} has no entry in ${displayPath(STARTERS_LOCK)}: run \`npm run exercises:lock\`.`);
  }
  if (existsSync(path)) {
    const current = readFileSync(path);
    if (gitBlobId(current) === blobId) return current;
  }
  try {
    return execFileSync('git', ['cat-file', 'blob', blobId], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    throw new WorkbookError(
      `The starting version of ${key} is not in this folder's git history: this needs a git clone of the workbook (git clone, not a zip download).`,
    );
  }
}
