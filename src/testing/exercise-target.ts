/**
 * Points an exercise's tests at the code under test without copying anything: the tests import the
 * learner's file by a relative path, and this Vite plugin redirects that one import.
 *
 *   exercises  – the learner's files as they are (the learner's loop)
 *   solutions  – solutions/<same path> (proves every reference solution passes)
 *   starters   – the starting version from git, for files the learner has edited (proves every
 *                untouched exercise fails, even in a clone where some are solved)
 *   mistakes   – one known-wrong solution per exercise, chosen for each run by scripts/mistakes.ts
 *                (`setMistakeSelection`); files the mistake lacks come from the reference solution
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Plugin } from 'vitest/config';
import { EXERCISES_DIR, ROOT, SOLUTIONS_DIR, displayPath, isInside } from '../catalog/paths.ts';
import { gitBlobId, readLock, starterByKey } from '../catalog/starters.ts';

export type ExerciseTarget = 'exercises' | 'solutions' | 'starters' | 'mistakes';

/**
 * For the `mistakes` target: exercise folder → the folder of the mistake under test and of the
 * reference solution (absolute paths; files the mistake lacks come from the solution).
 */
export type MistakeSelection = Record<string, { mistake: string; solution: string }>;

/**
 * The selection lives on globalThis, not in a module variable: Vitest bundles vitest.config.ts, so
 * the plugin and scripts/mistakes.ts hold different copies of this module in the same process.
 * Workers (learnerModulePath) get it through `inject('mistakeSelection')` instead.
 */
const SELECTION = Symbol.for('pubsub-workbook.mistake-selection');
type SelectionHolder = { [SELECTION]?: MistakeSelection };

export function setMistakeSelection(selection: MistakeSelection): void {
  (globalThis as SelectionHolder)[SELECTION] = selection;
}

export function currentMistakeSelection(): MistakeSelection {
  return (globalThis as SelectionHolder)[SELECTION] ?? {};
}

/** Starting versions of edited files are written here (inside node_modules so imports of packages resolve). */
const STARTERS_CACHE = join(ROOT, 'node_modules', '.cache', 'pubsub-workbook', 'starters');

export function exerciseTarget(target: ExerciseTarget): Plugin {
  return {
    name: `workbook:exercise-target:${target}`,
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (target === 'exercises' || !importer || !source.startsWith('.')) return null;
      if (!importer.endsWith('.test.ts')) return null;
      // The mistakes target follows its selection (which may name a fixture outside exercises/).
      if (target === 'mistakes' ? !currentMistakeSelection()[dirname(importer)] : !isInside(EXERCISES_DIR, importer)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const exerciseDir = dirname(importer);
      if (!resolved || !isInside(exerciseDir, resolved.id) || resolved.id.endsWith('.test.ts')) return null;
      return targetFile(target, resolved.id, target === 'mistakes' ? currentMistakeSelection() : undefined);
    },
  };
}

/** Where a learner file's code comes from under `target` (also for tests that hand it to a child process). */
export function targetFile(target: ExerciseTarget, learnerFile: string, selection: MistakeSelection = {}): string {
  if (target === 'exercises') return learnerFile;
  if (target === 'mistakes') {
    const chosen = selection[dirname(learnerFile)];
    if (!chosen) {
      throw new Error(`No mistake selected for ${displayPath(dirname(learnerFile))}: the mistakes target is driven by \`npm run test:mistakes\`.`);
    }
    const wrong = join(chosen.mistake, basename(learnerFile));
    return existsSync(wrong) ? wrong : join(chosen.solution, basename(learnerFile));
  }
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
