/**
 * The engine both trainers share: grading follows ts-fsrs, the new-cards-per-day limit counts local
 * calendar days, filters and due counts, the mock-interview bookkeeping, and the state's export and
 * validated import. Pure functions over a small deck; no files, no clock but the dates given.
 */
import { Rating, createEmptyCard, fsrs } from 'ts-fsrs';
import { describe, expect, test } from 'vitest';
import { parseDeck, type Deck } from './deck.ts';
import { describeFilter, filterCards, parseChapters, parseLevels } from './filters.ts';
import { interviewHistory, pickInterviewQuestions, recordInterview, scoreAnswer, sessionScore } from './interview.ts';
import { deckStatus, nextCard } from './queue.ts';
import { GRADES, SCHEDULER_PARAMETERS, formatInterval, gradeCard, gradeForKey, previewGrades, recordGrade } from './scheduler.ts';
import { emptyState, importState, localDay, serialiseState, toFsrsCard, withNewPerDay, type GradeName, type ReviewState } from './state.ts';

type Fields = { level?: string; kind?: string };
const card = (id: string, { level = 'basic', kind = 'question' }: Fields = {}): Record<string, unknown> => ({
  id,
  question: `${id}?`,
  answer: `The answer to ${id}.`,
  level,
  kind,
  ...(kind === 'number' ? { asOf: 'Kafka 3.9' } : {}),
  source: [{ guide: 'complete', section: 'Quick Reference' }],
  rubric: ['first point', 'second point', 'third point'],
});

/** kafka: k1..k4 (k3, k4 advanced; k4 a term), sns: s1, s2 (intermediate). */
const deck: Deck = parseDeck([
  { name: 'kafka.yaml', text: JSON.stringify([card('k1'), card('k2'), card('k3', { level: 'advanced' }), card('k4', { level: 'advanced', kind: 'term' })]) },
  { name: 'sns.yaml', text: JSON.stringify([card('s1', { level: 'intermediate' }), card('s2', { level: 'intermediate' })]) },
]);

// Local times (the constructor reads them in the runtime's zone), so day boundaries hold in any TZ.
const at = (day: number, hour: number, minute = 0): Date => new Date(2026, 2, day, hour, minute);
const minutes = (date: Date, n: number): Date => new Date(date.getTime() + n * 60_000);
const grade = (state: ReviewState, id: string, name: GradeName, now: Date): ReviewState => gradeCard(state, id, name, now);

describe('grading follows ts-fsrs', () => {
  const scheduler = fsrs(SCHEDULER_PARAMETERS);

  test.each(GRADES.map((g) => [g.name, g.rating] as const))('a new card graded %s is due when ts-fsrs says', (name, rating) => {
    const now = at(10, 9);
    const state = grade(emptyState(), 'k1', name, now);
    const expected = scheduler.next(createEmptyCard(now), now, rating).card;
    expect(new Date(state.cards.k1?.fsrs.due ?? 0)).toEqual(expected.due);
    expect(state.cards.k1?.fsrs).toMatchObject({ reps: 1, state: expected.state, stability: expected.stability, difficulty: expected.difficulty });
  });

  test('a card in review: later reviews continue from the stored ts-fsrs card, and better grades wait longer', () => {
    let state = grade(emptyState(), 'k1', 'good', at(10, 9));
    state = grade(state, 'k1', 'good', at(10, 9, 10)); // graduates from the learning steps
    const stored = state.cards.k1?.fsrs;
    expect(stored?.state).toBe(2); // State.Review
    const review = new Date(stored?.due ?? 0);
    const outcomes = GRADES.map((g) => new Date(grade(state, 'k1', g.name, review).cards.k1?.fsrs.due ?? 0));
    const fromTsFsrs = GRADES.map((g) => scheduler.next(toFsrsCard(stored!), review, g.rating).card.due);
    expect(outcomes).toEqual(fromTsFsrs);
    expect([...outcomes].sort((a, b) => a.getTime() - b.getTime()), 'again < hard < good < easy').toEqual(outcomes);
  });

  test('grading returns a new state and leaves the old one as it was', () => {
    const before = emptyState();
    const copy = structuredClone(before);
    const after = grade(before, 'k1', 'again', at(10, 9));
    expect(before).toEqual(copy);
    expect(after.cards.k1?.summary).toEqual({ firstReview: at(10, 9).toISOString(), lastReview: at(10, 9).toISOString(), lastGrade: 'again', grades: { again: 1, hard: 0, good: 0, easy: 0 } });
  });

  test('recording a previewed grade stores exactly the due date the preview showed', () => {
    const previews = previewGrades(emptyState(), 'k1', at(10, 9));
    for (const preview of previews) {
      const after = recordGrade(emptyState(), 'k1', preview);
      expect(after.cards.k1?.fsrs.due, preview.name).toBe(preview.due.toISOString());
      expect(after.cards.k1?.summary.lastReview).toBe(at(10, 9).toISOString());
    }
  });

  test('the keys and the labels of the four grades', () => {
    expect(GRADES.map((g) => `${g.key}:${g.name}:${g.rating}`)).toEqual([`1:again:${Rating.Again}`, `2:hard:${Rating.Hard}`, `3:good:${Rating.Good}`, `4:easy:${Rating.Easy}`]);
    expect(gradeForKey('3')?.name).toBe('good');
    expect(gradeForKey('5')).toBeUndefined();
    expect(previewGrades(emptyState(), 'k1', at(10, 9)).map((p) => `${p.name} ${p.interval}`)).toEqual(['again 1 min', 'hard 6 min', 'good 10 min', expect.stringMatching(/^easy \d+ days?$/)]);
    expect([0, 59_000, 90 * 60_000, 3 * 86_400_000, 95 * 86_400_000].map(formatInterval)).toEqual(['under a minute', '1 min', '2 h', '3 days', '3 months']);
  });
});

describe('what is due, and the new cards of the day', () => {
  test('due counts: a card graded good comes back after its 10-minute step, the most overdue first', () => {
    let state = grade(emptyState(), 'k1', 'good', at(10, 9));
    state = grade(state, 'k2', 'again', at(10, 9, 1));
    expect(deckStatus(deck, state, { now: at(10, 9, 5) })).toMatchObject({ due: 1, learning: 2, unseen: 4, total: 6 });
    expect(deckStatus(deck, state, { now: at(10, 9, 11) })).toMatchObject({ due: 2 });
    expect(nextCard(deck, state, { now: at(10, 9, 11) })).toMatchObject({ card: { id: 'k2' }, why: 'due' });
    expect(deckStatus(deck, state, { now: at(10, 9, 5) }).nextDue).toEqual(minutes(at(10, 9), 10));
  });

  test('new cards come in deck order, up to the daily limit, and the limit counts every filter', () => {
    let state = withNewPerDay(emptyState(), 2);
    expect(deckStatus(deck, state, { now: at(10, 9) }).newLeftToday).toBe(2);
    expect(nextCard(deck, state, { now: at(10, 9) })).toMatchObject({ card: { id: 'k1' }, why: 'new' });
    state = grade(state, 'k1', 'easy', at(10, 9));
    expect(nextCard(deck, state, { now: at(10, 9, 1), filter: { chapters: ['sns'] } })).toMatchObject({ card: { id: 's1' }, why: 'new' });
    state = grade(state, 's1', 'easy', at(10, 9, 1));
    const status = deckStatus(deck, state, { now: at(10, 9, 2), filter: { chapters: ['kafka'] } });
    expect(status).toMatchObject({ newLeftToday: 0, newSeenToday: 2, newPerDay: 2, unseen: 3 });
    expect(nextCard(deck, state, { now: at(10, 9, 2) }), 'easy cards are days away: nothing left today').toBeUndefined();
    expect(deckStatus(deck, state, { now: at(10, 9, 2), newPerDay: 5 }).newLeftToday, 'a session may raise the limit').toBe(3);
  });

  test('the limit resets at local midnight, not after 24 hours', () => {
    let state = withNewPerDay(emptyState(), 1);
    state = grade(state, 'k1', 'easy', at(10, 23, 50));
    expect(deckStatus(deck, state, { now: at(10, 23, 59) }).newLeftToday).toBe(0);
    expect(deckStatus(deck, state, { now: at(11, 0, 1) }).newLeftToday).toBe(1);
    expect(localDay(at(11, 0, 1))).toBe('2026-03-11');
  });

  test('with nothing due and no new card left, a card in its learning steps is shown a little early', () => {
    let state = withNewPerDay(emptyState(), 1);
    state = grade(state, 'k1', 'good', at(10, 9)); // back at 9:10
    expect(nextCard(deck, state, { now: at(10, 9, 1) })).toMatchObject({ card: { id: 'k1' }, why: 'learn-ahead' });
    expect(nextCard(deck, state, { now: at(10, 9, 1), learnAheadMinutes: 5 })).toBeUndefined();
  });
});

describe('filters', () => {
  test('by chapter and by level, alone and together', () => {
    const ids = (filter: Parameters<typeof filterCards>[1]): string[] => filterCards(deck.cards, filter).map((c) => c.id);
    expect(ids({})).toEqual(['k1', 'k2', 'k3', 'k4', 's1', 's2']);
    expect(ids({ chapters: ['sns'] })).toEqual(['s1', 's2']);
    expect(ids({ levels: ['advanced'] })).toEqual(['k3', 'k4']);
    expect(ids({ chapters: ['kafka', 'sns'], levels: ['basic', 'intermediate'] })).toEqual(['k1', 'k2', 's1', 's2']);
    expect(ids({ chapters: ['sns'], levels: ['advanced'] })).toEqual([]);
    expect(deckStatus(deck, emptyState(), { now: at(10, 9), filter: { levels: ['advanced'] } })).toMatchObject({ total: 2, newLeftToday: 2 });
    expect(describeFilter({ chapters: ['kafka'], levels: ['advanced'] })).toBe('Apache Kafka · level advanced');
  });

  test('typed values are checked, with the valid choices in the message', () => {
    expect(parseChapters(['kafka,sns', 'KAFKA'])).toEqual(['kafka', 'sns']);
    expect(parseLevels(['advanced'])).toEqual(['advanced']);
    expect(() => parseChapters(['kafak'])).toThrow('No chapter called "kafak". Choose from: fundamentals, redis-pubsub,');
    expect(() => parseLevels(['expert'])).toThrow('No level called "expert". Choose from: basic, intermediate, advanced.');
  });
});

describe('mock interviews', () => {
  const seeded = (): (() => number) => {
    let x = 42;
    return () => ((x = (x * 16807) % 2147483647) - 1) / 2147483646;
  };

  test('questions are picked by level among interview kinds, without repeats', () => {
    const all = pickInterviewQuestions(deck, { count: 10, random: seeded() }).map((c) => c.id);
    expect([...all].sort()).toEqual(['k1', 'k2', 'k3', 's1', 's2']); // k4 is a term: not asked
    expect(pickInterviewQuestions(deck, { count: 2, level: 'intermediate', random: seeded() }).map((c) => c.id).sort()).toEqual(['s1', 's2']);
    expect(pickInterviewQuestions(deck, { count: 3, random: seeded() })).toEqual(pickInterviewQuestions(deck, { count: 3, random: seeded() }));
    expect(() => pickInterviewQuestions(deck, { level: 'advanced', chapters: ['sns'] })).toThrow(/No interview questions match/);
    expect(() => pickInterviewQuestions(deck, { count: 0 })).toThrow(/at least one question/);
  });

  test('an answer scores the rubric points ticked; sessions are kept, latest first', () => {
    const [k1, s1] = [deck.byId.get('k1')!, deck.byId.get('s1')!];
    expect(scoreAnswer(k1, [2, 0, 0, 7, -1], 41)).toEqual({ cardId: 'k1', seconds: 41, ticked: [0, 2], points: 3 });
    const first = { at: at(10, 9).toISOString(), level: 'basic' as const, seconds: 100, answers: [scoreAnswer(k1, [0], 50), scoreAnswer(s1, [0, 1, 2], 50)] };
    const second = { at: at(11, 9).toISOString(), level: 'mixed' as const, seconds: 60, answers: [scoreAnswer(k1, [], 60)] };
    expect(sessionScore(first)).toEqual({ ticked: 4, points: 6, ratio: 4 / 6 });
    const state = recordInterview(recordInterview(emptyState(), first), second);
    expect(interviewHistory(state).map((s) => [s.at, s.score.ticked])).toEqual([
      [second.at, 0],
      [first.at, 4],
    ]);
  });
});

describe('export and import', () => {
  const studied = (): ReviewState => {
    let state = grade(emptyState(), 'k1', 'good', at(10, 9));
    state = grade(state, 'k1', 'hard', at(10, 9, 12));
    state = grade(state, 's1', 'again', at(10, 9, 13));
    return recordInterview(state, { at: at(10, 10).toISOString(), level: 'mixed', seconds: 30, answers: [scoreAnswer(deck.byId.get('k1')!, [1], 30)] });
  };

  test('the state survives serialising and importing unchanged', () => {
    const state = studied();
    const imported = importState(serialiseState(state));
    expect(imported).toEqual({ ok: true, state });
    expect(JSON.parse(serialiseState(state))).toMatchObject({ format: 'pubsub-workbook/flashcards', version: 1 });
  });

  test.each([
    ['not JSON', '{ nope', /^This file is not JSON/],
    ['some other JSON', '{"exercises": {}}', /^This file is not a flashcards export of pubsub-workbook/],
    ['a newer format', JSON.stringify({ ...emptyState(), version: 2 }), /made by a newer version of the workbook \(format version 2\)/],
    ['a damaged export', JSON.stringify({ ...emptyState(), cards: { k1: { fsrs: { due: 'soon' } } } }), /^This flashcards export is damaged: cards\.k1\.fsrs\.due: /],
    ['a negative limit', JSON.stringify({ ...emptyState(), settings: { newPerDay: -3 } }), /damaged: settings\.newPerDay: /],
  ])('%s is refused in one sentence, and the progress kept is untouched', (_what, text, message) => {
    const state = studied();
    const copy = structuredClone(state);
    const result = importState(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(message);
      expect(result.error).toMatch(/Nothing was imported; your progress is unchanged\.$/);
      expect(result.error).not.toContain('\n');
    }
    expect(state).toEqual(copy);
  });
});
