/**
 * The learner's review state in this browser: localStorage under BROWSER_STORAGE_KEY, the same
 * object the terminal keeps in .workbook/cards.json (export and import move it between the two).
 *
 * Every change reads the stored state again before applying itself, so the Flashcards page, the
 * mock-interview page and a second tab never overwrite each other's progress. Called only in the
 * browser, after the page has mounted (never during the static build's server rendering).
 */
import { BROWSER_STORAGE_KEY, emptyState, importState, serialiseState, type ReviewState } from '../../../../src/flashcards/index.ts';

export interface StoredProgress {
  state: ReviewState;
  /** One line for the learner when the saved progress could not be read or cannot be saved. */
  notice?: string;
}

const UNAVAILABLE =
  'This browser does not let the page keep your progress (its storage is blocked or full): export it before you leave, or your reviews are lost.';

// Where the state lives when localStorage refuses to hold it: this tab, until it closes.
let inMemory: ReviewState | undefined;

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function loadProgress(): StoredProgress {
  const store = storage();
  if (!store) return { state: inMemory ?? emptyState(), notice: UNAVAILABLE };
  if (inMemory) return { state: inMemory, notice: UNAVAILABLE };
  const text = store.getItem(BROWSER_STORAGE_KEY);
  if (text === null) return { state: emptyState() };
  const loaded = importState(text);
  if (loaded.ok) return { state: loaded.state };
  // Damaged (edited by hand, or written by a newer workbook): set it aside, never delete it.
  const aside = `${BROWSER_STORAGE_KEY}.damaged-${new Date().toISOString()}`;
  try {
    store.setItem(aside, text);
    store.removeItem(BROWSER_STORAGE_KEY);
  } catch {
    return { state: emptyState(), notice: UNAVAILABLE };
  }
  return {
    state: emptyState(),
    notice: `The flashcard progress saved in this browser could not be read, so you start afresh; the old copy is kept in localStorage as "${aside}".`,
  };
}

/** Saves the state; returns a notice when the browser refused to keep it. */
export function saveProgress(state: ReviewState): string | undefined {
  const store = storage();
  try {
    if (!store) throw new Error('no localStorage');
    store.setItem(BROWSER_STORAGE_KEY, serialiseState(state));
    inMemory = undefined;
    return undefined;
  } catch {
    inMemory = state;
    return UNAVAILABLE;
  }
}

/** Applies `change` to the latest saved state and saves the result. */
export function updateProgress(change: (state: ReviewState) => ReviewState): StoredProgress {
  const loaded = loadProgress();
  const state = change(loaded.state);
  const notice = saveProgress(state) ?? loaded.notice;
  return notice ? { state, notice } : { state };
}

/** Calls `changed` when another tab (or the other trainer page in one) changes the saved progress. */
export function onProgressChangedElsewhere(changed: () => void): () => void {
  const listener = (event: StorageEvent): void => {
    if (event.key === BROWSER_STORAGE_KEY || event.key === null) changed();
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}
