import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: everything the workbook reads is found from here, whatever the cwd. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXERCISES_DIR = join(ROOT, 'exercises');
export const SOLUTIONS_DIR = join(ROOT, 'solutions');
export const LABS_DIR = join(ROOT, 'labs');
/** The learner's own state (progress, backups); git-ignored. */
export const STATE_DIR = join(ROOT, '.workbook');

/** A path as the learner would type it: relative to the repository root, with forward slashes. */
export function displayPath(path: string): string {
  return relative(ROOT, path).split(sep).join('/');
}

export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel);
}
