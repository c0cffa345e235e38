/**
 * The terminal trainer's progress file, .workbook/cards.json (git-ignored). Written atomically
 * (write, then rename); a damaged file is set aside as cards.corrupt-<timestamp>.json, never
 * deleted, and a fresh one started with one line saying so: the same rules as the learner's loop
 * (src/learn/progress.ts). Node only.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR, displayPath } from '../catalog/paths.ts';
import { WorkbookError } from '../harness/errors.ts';
import { datedName, setAside, writeFileAtomically } from '../harness/state-file.ts';
import { emptyState, importState, serialiseState, type ReviewState } from './state.ts';

export const CARDS_FILE = join(STATE_DIR, 'cards.json');

export interface LoadedCardsState {
  state: ReviewState;
  /** Set when the file was damaged and has been set aside: tell the learner. */
  warning?: string;
}

export function loadCardsState(file = CARDS_FILE): LoadedCardsState {
  if (!existsSync(file)) return { state: emptyState() };
  const loaded = importState(readFileSync(file, 'utf8'));
  if (loaded.ok) return { state: loaded.state };
  const aside = setAside(file);
  const state = emptyState();
  saveCardsState(state, file);
  return {
    state,
    warning: `Your flashcard progress file was damaged; it is kept as ${displayPath(aside)} and a new one was started (every card is new again).`,
  };
}

export function saveCardsState(state: ReviewState, file = CARDS_FILE): void {
  writeFileAtomically(file, serialiseState(state));
}

/**
 * Replaces the progress with an export (from the site or another clone). An unreadable or foreign
 * file throws a one-line WorkbookError and changes nothing; otherwise the progress it replaces is
 * kept as cards.before-import-<timestamp>.json. Returns where that copy is, if there was progress.
 */
export function importCardsFile(from: string, file = CARDS_FILE): { backup?: string; state: ReviewState } {
  let text: string;
  try {
    text = readFileSync(from, 'utf8');
  } catch {
    throw new WorkbookError(`Cannot read ${from}: give the path of a file exported from the Flashcards page or by \`npm run cards -- export\`.`);
  }
  const imported = importState(text);
  if (!imported.ok) throw new WorkbookError(imported.error);
  let backup: string | undefined;
  if (existsSync(file)) {
    backup = datedName(file, 'before-import');
    copyFileSync(file, backup);
  }
  saveCardsState(imported.state, file);
  return { state: imported.state, ...(backup ? { backup } : {}) };
}
