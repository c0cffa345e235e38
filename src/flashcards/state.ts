/**
 * The learner's flashcard progress as one serialisable object: per card, its ts-fsrs memory state
 * and a summary of its reviews; the new-cards-per-day setting; the mock-interview history. The
 * terminal keeps it in .workbook/cards.json, the browser in localStorage; export and import move it
 * between the two. Dates are ISO strings so the object survives JSON unchanged.
 *
 * Every function here is pure: it returns a new state and never changes the one it was given.
 * Browser-safe: no Node imports.
 */
import { State, type Card as FsrsCard } from 'ts-fsrs';
import { z } from 'zod';
import { CHAPTER_IDS } from '../catalog/chapters.ts';
import { LEVELS } from './schema.ts';

/** Marks a file as ours: an import of anything else is refused with a clear message. */
export const STATE_FORMAT = 'pubsub-workbook/flashcards';
export const STATE_VERSION = 1;
export const DEFAULT_NEW_PER_DAY = 20;
/** Mock-interview sessions kept; older ones are dropped first. */
export const INTERVIEW_HISTORY_LIMIT = 200;

export const GRADE_NAMES = ['again', 'hard', 'good', 'easy'] as const;
export type GradeName = (typeof GRADE_NAMES)[number];

const isoDate = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);

/** ts-fsrs's `Card`, with dates as ISO strings. */
const fsrsCardSchema = z.object({
  due: isoDate,
  stability: z.number().min(0),
  difficulty: z.number().min(0),
  elapsed_days: z.number().min(0),
  scheduled_days: z.number().min(0),
  learning_steps: count,
  reps: count,
  lapses: count,
  /** ts-fsrs's State: 0 new, 1 learning, 2 review, 3 relearning. */
  state: z.number().int().min(State.New).max(State.Relearning),
  last_review: isoDate.optional(),
});
export type StoredFsrsCard = z.infer<typeof fsrsCardSchema>;

const cardProgressSchema = z.object({
  fsrs: fsrsCardSchema,
  /** The review log, summarised: enough for statistics and for the new-cards-per-day count. */
  summary: z.object({
    firstReview: isoDate,
    lastReview: isoDate,
    lastGrade: z.enum(GRADE_NAMES),
    grades: z.object({ again: count, hard: count, good: count, easy: count }),
  }),
});
export type CardProgress = z.infer<typeof cardProgressSchema>;

export const interviewAnswerSchema = z.object({
  cardId: z.string().min(1),
  seconds: z.number().min(0),
  /** Indices (0-based) of the rubric points the learner ticked. */
  ticked: z.array(count),
  /** How many rubric points the card had when it was asked. */
  points: z.number().int().min(1),
});
export type InterviewAnswer = z.infer<typeof interviewAnswerSchema>;

export const interviewSessionSchema = z.object({
  at: isoDate,
  level: z.enum([...LEVELS, 'mixed']),
  /** The chapters the questions were drawn from; absent means every chapter (and in older saves). */
  chapters: z.array(z.enum(CHAPTER_IDS)).optional(),
  seconds: z.number().min(0),
  answers: z.array(interviewAnswerSchema),
});
export type InterviewSession = z.infer<typeof interviewSessionSchema>;

export const reviewStateSchema = z.object({
  format: z.literal(STATE_FORMAT),
  version: z.literal(STATE_VERSION),
  settings: z.object({ newPerDay: z.number().int().min(0).max(9999) }),
  cards: z.record(z.string(), cardProgressSchema),
  interviews: z.array(interviewSessionSchema),
});
export type ReviewState = z.infer<typeof reviewStateSchema>;

export function emptyState(): ReviewState {
  return { format: STATE_FORMAT, version: STATE_VERSION, settings: { newPerDay: DEFAULT_NEW_PER_DAY }, cards: {}, interviews: [] };
}

export function withNewPerDay(state: ReviewState, newPerDay: number): ReviewState {
  return { ...state, settings: { ...state.settings, newPerDay } };
}

export function toFsrsCard(stored: StoredFsrsCard): FsrsCard {
  const { last_review, due, state, ...rest } = stored;
  return { ...rest, state: state as State, due: new Date(due), ...(last_review ? { last_review: new Date(last_review) } : {}) };
}

export function fromFsrsCard(card: FsrsCard): StoredFsrsCard {
  const { last_review, due, ...rest } = card;
  return { ...rest, due: due.toISOString(), ...(last_review ? { last_review: last_review.toISOString() } : {}) };
}

/** The calendar day of `date` where the learner is (the runtime's time zone), as YYYY-MM-DD. */
export function localDay(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Cards seen for the first time on `now`'s local calendar day: what the new-cards-per-day limit counts. */
export function newCardsIntroducedOn(state: ReviewState, now: Date): number {
  const today = localDay(now);
  return Object.values(state.cards).filter((p) => localDay(new Date(p.summary.firstReview)) === today).length;
}

/** Where the browser keeps the state in localStorage. */
export const BROWSER_STORAGE_KEY = 'pubsub-workbook/flashcards';

/** The name an export is offered under: `pubsub-workbook-flashcards-2026-03-10.json`. */
export function exportFileName(now: Date): string {
  return `pubsub-workbook-flashcards-${localDay(now)}.json`;
}

/** The state as text to save or to export. */
export function serialiseState(state: ReviewState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

export type ImportResult = { ok: true; state: ReviewState } | { ok: false; error: string };

/**
 * Reads an exported (or saved) state. Never throws: a file that is not JSON, not ours, from a
 * newer workbook, or damaged gives `ok: false` and one sentence for the learner, and the caller
 * keeps the state it has.
 */
export function importState(text: string): ImportResult {
  const refuse = (why: string): ImportResult => ({ ok: false, error: `${why} Nothing was imported; your progress is unchanged.` });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return refuse('This file is not JSON, so it is not a flashcards export of pubsub-workbook.');
  }
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== STATE_FORMAT) {
    return refuse(`This file is not a flashcards export of pubsub-workbook (it lacks "format": "${STATE_FORMAT}").`);
  }
  const version = (data as { version?: unknown }).version;
  if (typeof version === 'number' && version > STATE_VERSION) {
    return refuse(`This export was made by a newer version of the workbook (format version ${version}); update the workbook to import it.`);
  }
  const parsed = reviewStateSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(`This flashcards export is damaged: ${issue ? `${issue.path.join('.') || 'the file'}: ${issue.message}` : 'unreadable'}.`);
  }
  return { ok: true, state: parsed.data };
}
