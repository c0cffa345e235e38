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
import { stateFolderError } from './state-errors.ts';

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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = progressSchema.safeParse(json);
  if (parsed.success) return { progress: parsed.data };
  // Damaged: keep every entry that can still be read, set the file aside, never delete it.
  const progress = salvage(json, text);
  const aside = setAside(file);
  saveProgress(progress, file);
  const kept = Object.keys(progress.exercises).length;
  return {
    progress,
    warning: `Your progress file was damaged; it is kept as ${displayPath(aside)}, and ${kept === 0 ? 'nothing in it could be read' : `the ${kept} entr${kept === 1 ? 'y' : 'ies'} still readable ${kept === 1 ? 'was' : 'were'} kept`}. Run \`npm run learn -- verify\` to mark the exercises you have solved as done again.`,
  };
}

/** The readable entries of a damaged progress file: from the parsed JSON when it parses, else from the text. */
function salvage(json: unknown, text: string): Progress {
  const progress = emptyProgress();
  const keep = (id: string, value: unknown): void => {
    const parsed = entrySchema.safeParse(value);
    if (parsed.success && /^\d{2}_[\w]+\/\d{2}_[\w]+$/.test(id)) progress.exercises[id] = parsed.data;
  };
  if (json && typeof json === 'object') {
    const record = json as { current?: unknown; exercises?: unknown };
    if (typeof record.current === 'string') progress.current = record.current;
    if (record.exercises && typeof record.exercises === 'object') {
      for (const [id, value] of Object.entries(record.exercises)) keep(id, value);
    }
    return progress;
  }
  // Not JSON (cut short, edited by hand): each entry is a flat object, so find them one by one.
  for (const match of text.matchAll(/"(\d{2}_\w+\/\d{2}_\w+)"\s*:\s*(\{[^{}]*\})/g)) {
    try {
      keep(match[1] as string, JSON.parse(match[2] as string));
    } catch {
      // This one is damaged too.
    }
  }
  const current = /"current"\s*:\s*"([^"]+)"/.exec(text)?.[1];
  if (current) progress.current = current;
  return progress;
}

export function saveProgress(progress: Progress, file = PROGRESS_FILE): void {
  try {
    writeFileAtomically(file, `${JSON.stringify(progress, null, 2)}\n`);
  } catch (error) {
    throw stateFolderError(error, file);
  }
}

export function entry(progress: Progress, exerciseId: string): ExerciseProgress {
  return progress.exercises[exerciseId] ?? { done: false, hintsShown: 0 };
}

export function update(progress: Progress, exerciseId: string, change: Partial<ExerciseProgress>): void {
  progress.exercises[exerciseId] = { ...entry(progress, exerciseId), ...change };
}
