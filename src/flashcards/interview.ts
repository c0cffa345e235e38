/**
 * Mock interviews over the deck: pick questions by level (and chapter), score an answer by the
 * rubric points the learner ticks, keep the sessions in the review state and summarise them over
 * time. The browser runs the full mock interview (timer, text box, checklist); the terminal offers
 * a short version. Browser-safe: no Node imports.
 */
import { chapterTitle } from '../catalog/chapters.ts';
import { WorkbookError } from '../harness/errors.ts';
import type { Deck } from './deck.ts';
import { filterCards, type CardFilter } from './filters.ts';
import type { Card, Kind, Level } from './schema.ts';
import { INTERVIEW_HISTORY_LIMIT, type InterviewAnswer, type InterviewSession, type ReviewState } from './state.ts';

/** Cards an interviewer would ask as such; terms and numbers stay in the flashcards. */
export const INTERVIEW_KINDS: readonly Kind[] = ['question', 'comparison', 'selection', 'checklist'];
export const DEFAULT_INTERVIEW_QUESTIONS = 3;

export interface InterviewOptions {
  count?: number;
  level?: Level;
  chapters?: CardFilter['chapters'];
  /** Injected for tests; Math.random otherwise. */
  random?: () => number;
}

/** `count` different questions at random, from the cards that match. */
export function pickInterviewQuestions(deck: Deck, options: InterviewOptions = {}): Card[] {
  const count = options.count ?? DEFAULT_INTERVIEW_QUESTIONS;
  if (!Number.isInteger(count) || count < 1) throw new WorkbookError(`Ask for at least one question (got ${count}), e.g. --count 3.`);
  const pool = filterCards(deck.cards, {
    kinds: INTERVIEW_KINDS,
    ...(options.level ? { levels: [options.level] } : {}),
    ...(options.chapters ? { chapters: options.chapters } : {}),
  });
  if (pool.length === 0) throw new WorkbookError('No interview questions match that level and chapter; choose another level, or all chapters.');
  const random = options.random ?? Math.random;
  const shuffled = [...pool];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as Card, shuffled[i] as Card];
  }
  return shuffled.slice(0, count);
}

/** The learner's self-assessment of one answer: which rubric points (0-based) it contained. */
export function scoreAnswer(card: Card, ticked: readonly number[], seconds: number): InterviewAnswer {
  const valid = [...new Set(ticked)].filter((i) => Number.isInteger(i) && i >= 0 && i < card.rubric.length).sort((a, b) => a - b);
  return { cardId: card.id, seconds, ticked: valid, points: card.rubric.length };
}

export interface InterviewScore {
  ticked: number;
  points: number;
  /** 0..1 */
  ratio: number;
}

export function sessionScore(session: Pick<InterviewSession, 'answers'>): InterviewScore {
  const ticked = session.answers.reduce((sum, a) => sum + a.ticked.length, 0);
  const points = session.answers.reduce((sum, a) => sum + a.points, 0);
  return { ticked, points, ratio: points === 0 ? 0 : ticked / points };
}

export function recordInterview(state: ReviewState, session: InterviewSession): ReviewState {
  return { ...state, interviews: [...state.interviews, session].slice(-INTERVIEW_HISTORY_LIMIT) };
}

/** The latest sessions first, each with its score. */
export function interviewHistory(state: ReviewState, limit = 10): Array<InterviewSession & { score: InterviewScore }> {
  return state.interviews
    .slice(-limit)
    .reverse()
    .map((session) => ({ ...session, score: sessionScore(session) }));
}

/** What an interview drew from, as a reader says it: "Apache Kafka", or "all chapters". */
export function interviewScope(session: Pick<InterviewSession, 'chapters'>): string {
  return session.chapters?.length ? session.chapters.map(chapterTitle).join(', ') : 'all chapters';
}
