/**
 * Points an exercise's tests at the code under test without copying anything: the tests import the
 * learner's file by a relative path, and this Vite plugin redirects that one import.
 *
 *   exercises  – the learner's files as they are (the learner's loop)
 *   solutions  – solutions/<same path> (proves every reference solution passes)
 *   starters   – the starting version from git, for files the learner has edited (proves every
 *                untouched exercise fails, even in a clone where some are solved)
 *   runaway    – a module whose every export never returns when used (proves the learner's loop
 *                stops any exercise's runaway code at its deadline)
 *   mistakes   – one known-wrong solution per exercise, chosen for each run by scripts/mistakes.ts
 *                (`setMistakeSelection`); files the mistake lacks come from the reference solution
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Plugin } from 'vitest/config';
import { EXERCISES_DIR, ROOT, SOLUTIONS_DIR, displayPath, isInside } from '../catalog/paths.ts';
import { gitBlobId, readLock, starterByKey } from '../catalog/starters.ts';

export type ExerciseTarget = 'exercises' | 'solutions' | 'starters' | 'runaway' | 'mistakes';

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
  if (target === 'runaway') return runawayPath(learnerFile, rel);
  return starterPath(learnerFile, rel);
}

const RUNAWAY_CACHE = join(ROOT, 'node_modules', '.cache', 'pubsub-workbook', 'runaway');

/** A stand-in for the learner's file with the reference solution's exports, each spinning forever when touched. */
function runawayPath(learnerFile: string, rel: string): string {
  const solution = join(SOLUTIONS_DIR, rel);
  const source = existsSync(solution) ? readFileSync(solution, 'utf8') : readFileSync(learnerFile, 'utf8');
  const names = new Set<string>();
  for (const match of source.matchAll(/^export\s+(?:default\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|enum)\s+(\w+)/gm)) names.add(match[1] as string);
  for (const match of source.matchAll(/^export\s*\{([^}]*)\}/gm)) {
    for (const part of (match[1] as string).split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()?.trim();
      if (name && !part.trim().startsWith('type ')) names.add(name);
    }
  }
  const code = [
    '// Generated by src/testing/exercise-target.ts: every export spins forever when used.',
    'const spin = () => { for (;;) { /* a loop that never ends */ } };',
    "const trap = new Proxy(function () {}, { apply: spin, construct: spin, get: (_t, key) => (key === 'then' ? undefined : spin()) });",
    ...[...names].map((name) => `export const ${name} = trap;`),
    'export default trap;',
    '',
  ].join('\n');
  const copy = join(RUNAWAY_CACHE, gitBlobId(Buffer.from(code)), basename(learnerFile).replace(/\.ts$/, '.js'));
  if (!existsSync(copy)) {
    mkdirSync(dirname(copy), { recursive: true });
    writeFileSync(copy, code);
  }
  return copy;
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
