/**
 * The learner's progress: which exercises are done, how many hints each has revealed, which one is
 * current. A tiny JSON file in .workbook/ (git-ignored). Written atomically; a corrupt file is set
 * aside (never deleted) and a fresh one started, with one line saying so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { STATE_DIR, displayPath } from '../catalog/paths.ts';
import { setAside, writeFileAtomically } from '../harness/state-file.ts';

const entrySchema = z.object({
  done: z.boolean().default(false),
  doneAt: z.string().optional(),
  hintsShown: z.number().int().min(0).default(0),
});

const progressSchema = z.object({
  version: z.literal(1),
  current: z.string().optional(),
  exercises: z.record(z.string(), entrySchema).default({}),
});

export type Progress = z.infer<typeof progressSchema>;
export type ExerciseProgress = z.infer<typeof entrySchema>;

export const PROGRESS_FILE = join(STATE_DIR, 'progress.json');

export interface LoadedProgress {
  progress: Progress;
  /** Set when the file was unreadable and has been set aside: tell the learner. */
  warning?: string;
}

export function emptyProgress(): Progress {
  return { version: 1, exercises: {} };
}

export function loadProgress(file = PROGRESS_FILE): LoadedProgress {
  if (!existsSync(file)) return { progress: emptyProgress() };
  const text = readFileSync(file, 'utf8');
  try {
    const parsed = progressSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { progress: parsed.data };
  } catch {
    // Not JSON at all: handled below like any other damage.
  }
  const aside = setAside(file);
  const progress = emptyProgress();
  saveProgress(progress, file);
  return {
    progress,
    warning: `Your progress file was damaged; it is kept as ${displayPath(aside)} and a new one was started. Run \`npm run learn -- verify\` to mark the exercises you have solved as done again.`,
  };
}

export function saveProgress(progress: Progress, file = PROGRESS_FILE): void {
  writeFileAtomically(file, `${JSON.stringify(progress, null, 2)}\n`);
}

export function entry(progress: Progress, exerciseId: string): ExerciseProgress {
  return progress.exercises[exerciseId] ?? { done: false, hintsShown: 0 };
}

export function update(progress: Progress, exerciseId: string, change: Partial<ExerciseProgress>): void {
  progress.exercises[exerciseId] = { ...entry(progress, exerciseId), ...change };
}
