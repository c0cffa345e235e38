/**
 * The flashcard engine, for the terminal trainer (src/cli/cards.ts) and the browser's Flashcards
 * and mock-interview pages alike. Everything exported here is browser-safe: pure functions over
 * the deck and a serialisable review state, no Node imports (flashcards.test.ts checks it).
 * Reading files is in deck-files.ts and state-file.ts, which only Node uses.
 */
export { cardChapterTitle, cardLink, cardSourceFile } from './links.ts';
export { DeckError, parseDeck, type Deck, type DeckFile } from './deck.ts';
export { describeFilter, filterCards, matchesFilter, parseChapters, parseKinds, parseLevels, type CardFilter } from './filters.ts';
export {
  DEFAULT_INTERVIEW_QUESTIONS,
  INTERVIEW_KINDS,
  interviewHistory,
  interviewScope,
  pickInterviewQuestions,
  recordInterview,
  scoreAnswer,
  sessionScore,
  type InterviewOptions,
  type InterviewScore,
} from './interview.ts';
export { DEFAULT_LEARN_AHEAD_MINUTES, deckStatus, nextCard, type DeckStatus, type NextCard, type QueueOptions } from './queue.ts';
export { GRADES, KEYS, SCHEDULER_PARAMETERS, formatInterval, gradeByName, gradeCard, gradeForKey, previewGrades, previewOf, recordGrade, type GradeChoice, type GradePreview } from './scheduler.ts';
export { GUIDE_KEYS, KINDS, LEVELS, cardInputSchema, type Card, type CardSource, type Correction, type GuideKey, type Kind, type Level } from './schema.ts';
export {
  BROWSER_STORAGE_KEY,
  DEFAULT_NEW_PER_DAY,
  GRADE_NAMES,
  STATE_FORMAT,
  STATE_VERSION,
  emptyState,
  exportFileName,
  importState,
  interviewAnswerSchema,
  interviewSessionSchema,
  localDay,
  newCardsIntroducedOn,
  serialiseState,
  withNewPerDay,
  type CardProgress,
  type GradeName,
  type ImportResult,
  type InterviewAnswer,
  type InterviewSession,
  type ReviewState,
} from './state.ts';
