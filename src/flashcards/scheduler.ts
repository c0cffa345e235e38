/**
 * Spaced repetition with ts-fsrs, the same for the terminal and the browser: the grades and their
 * keys, the scheduler's parameters, grading a card and previewing what each grade would do.
 * Browser-safe: no Node imports.
 */
import { Rating, createEmptyCard, fsrs, generatorParameters, type Card as FsrsCard, type FSRSParameters, type Grade } from 'ts-fsrs';
import { fromFsrsCard, toFsrsCard, type GradeName, type ReviewState } from './state.ts';

/**
 * ts-fsrs's defaults (90% target retention, learning steps 1 min and 10 min), with fuzz so that
 * cards learnt together do not all come back on the same day. Fuzz is seeded from the card and
 * the review time, so the same review always gives the same due date.
 */
export const SCHEDULER_PARAMETERS: FSRSParameters = generatorParameters({ enable_fuzz: true });
const scheduler = fsrs(SCHEDULER_PARAMETERS);

export interface GradeChoice {
  /** The key that gives this grade in both trainers. */
  key: '1' | '2' | '3' | '4';
  name: GradeName;
  rating: Grade;
}

export const GRADES: readonly GradeChoice[] = [
  { key: '1', name: 'again', rating: Rating.Again },
  { key: '2', name: 'hard', rating: Rating.Hard },
  { key: '3', name: 'good', rating: Rating.Good },
  { key: '4', name: 'easy', rating: Rating.Easy },
];

/** The keys both trainers answer to. */
export const KEYS = { flip: ' ', quit: 'q' } as const;

export function gradeForKey(key: string): GradeChoice | undefined {
  return GRADES.find((g) => g.key === key);
}

export function gradeByName(name: GradeName): GradeChoice {
  const grade = GRADES.find((g) => g.name === name);
  if (!grade) throw new Error(`unknown grade ${name}`);
  return grade;
}

/** The card's ts-fsrs state: stored if it has been reviewed, else a new card. */
export function fsrsCardOf(state: ReviewState, cardId: string, now: Date): FsrsCard {
  const stored = state.cards[cardId];
  return stored ? toFsrsCard(stored.fsrs) : createEmptyCard(now);
}

/**
 * Records a review: the card's next due date is whatever ts-fsrs decided for this grade in the
 * preview the learner saw. The preview and the grade must be one computation: ts-fsrs's fuzz is
 * seeded from the review time, so computing the outcome again at the moment of the click could
 * schedule another interval than the button promised ("Easy 10 days" then "back in 8 days").
 */
export function recordGrade(state: ReviewState, cardId: string, preview: GradePreview): ReviewState {
  const previous = state.cards[cardId]?.summary;
  const at = preview.reviewedAt.toISOString();
  const grades = previous ? { ...previous.grades } : { again: 0, hard: 0, good: 0, easy: 0 };
  grades[preview.name] += 1;
  return {
    ...state,
    cards: {
      ...state.cards,
      [cardId]: { fsrs: fromFsrsCard(preview.next), summary: { firstReview: previous?.firstReview ?? at, lastReview: at, lastGrade: preview.name, grades } },
    },
  };
}

/** Grades a card at `now`, without a preview shown first (tests, imports). */
export function gradeCard(state: ReviewState, cardId: string, grade: GradeName, now: Date): ReviewState {
  return recordGrade(state, cardId, previewOf(previewGrades(state, cardId, now), grade));
}

export interface GradePreview extends GradeChoice {
  due: Date;
  /** "10 min", "3 days": for the grade buttons. */
  interval: string;
  /** The card as ts-fsrs schedules it after this grade: what recordGrade stores. */
  next: FsrsCard;
  /** When the outcome was computed: the review's time. */
  reviewedAt: Date;
}

/** What each grade would do to the card now, for labelling the four choices (and then recording one). */
export function previewGrades(state: ReviewState, cardId: string, now: Date): GradePreview[] {
  const outcomes = scheduler.repeat(fsrsCardOf(state, cardId, now), now);
  return GRADES.map((grade) => {
    const next = outcomes[grade.rating].card;
    return { ...grade, due: next.due, interval: formatInterval(next.due.getTime() - now.getTime()), next, reviewedAt: now };
  });
}

export function previewOf(previews: readonly GradePreview[], grade: GradeName): GradePreview {
  const preview = previews.find((p) => p.name === grade);
  if (!preview) throw new Error(`no preview for grade ${grade}`);
  return preview;
}

export function formatInterval(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h`;
  const days = Math.round(hours / 24);
  if (days < 31) return days === 1 ? '1 day' : `${days} days`;
  const months = Math.round(days / 30.4);
  if (months < 12) return months === 1 ? '1 month' : `${months} months`;
  const years = Math.round((days / 365) * 10) / 10;
  return years === 1 ? '1 year' : `${years} years`;
}
