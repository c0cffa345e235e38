/**
 * What to study now: the cards due, the new cards the daily limit still allows, and the next card
 * to show. Browser-safe: no Node imports.
 */
import { State } from 'ts-fsrs';
import type { Deck } from './deck.ts';
import { filterCards, type CardFilter } from './filters.ts';
import type { Card } from './schema.ts';
import { newCardsIntroducedOn, type ReviewState } from './state.ts';

export interface QueueOptions {
  now: Date;
  filter?: CardFilter;
  /** Overrides the state's setting for this session. */
  newPerDay?: number;
  /**
   * When nothing is due and no new card is left, a card in its learning steps that comes back
   * within this many minutes is shown early rather than ending the session (Anki does the same).
   */
  learnAheadMinutes?: number;
}

export const DEFAULT_LEARN_AHEAD_MINUTES = 20;

export interface DeckStatus {
  /** Reviewed cards due now (in the filter). */
  due: number;
  /** New cards that may still be introduced today (in the filter). */
  newLeftToday: number;
  /** New cards introduced today, in any filter: what the limit counts. */
  newSeenToday: number;
  newPerDay: number;
  /** Cards in their (re)learning steps, due now or later. */
  learning: number;
  /** Cards in the filter never reviewed. */
  unseen: number;
  /** Cards in the filter. */
  total: number;
  /** The earliest due date among reviewed cards in the filter that are not due yet. */
  nextDue?: Date;
}

export type NextCard = { card: Card; why: 'due' | 'new' | 'learn-ahead' };

interface Buckets {
  due: Card[];
  later: Array<{ card: Card; due: Date; learning: boolean }>;
  unseen: Card[];
  newLeft: number;
  newSeenToday: number;
  newPerDay: number;
  total: number;
}

function buckets(deck: Deck, state: ReviewState, options: QueueOptions): Buckets {
  const cards = filterCards(deck.cards, options.filter);
  const now = options.now.getTime();
  const due: Array<{ card: Card; due: number }> = [];
  const later: Buckets['later'] = [];
  const unseen: Card[] = [];
  for (const card of cards) {
    const progress = state.cards[card.id];
    if (!progress) {
      unseen.push(card);
      continue;
    }
    const at = new Date(progress.fsrs.due);
    if (at.getTime() <= now) due.push({ card, due: at.getTime() });
    else later.push({ card, due: at, learning: progress.fsrs.state === State.Learning || progress.fsrs.state === State.Relearning });
  }
  due.sort((a, b) => a.due - b.due);
  later.sort((a, b) => a.due.getTime() - b.due.getTime());
  const newPerDay = options.newPerDay ?? state.settings.newPerDay;
  const newSeenToday = newCardsIntroducedOn(state, options.now);
  return {
    due: due.map((d) => d.card),
    later,
    unseen,
    newLeft: Math.min(unseen.length, Math.max(0, newPerDay - newSeenToday)),
    newSeenToday,
    newPerDay,
    total: cards.length,
  };
}

export function deckStatus(deck: Deck, state: ReviewState, options: QueueOptions): DeckStatus {
  const b = buckets(deck, state, options);
  const learningNow = b.due.filter((c) => {
    const s = state.cards[c.id]?.fsrs.state;
    return s === State.Learning || s === State.Relearning;
  }).length;
  return {
    due: b.due.length,
    newLeftToday: b.newLeft,
    newSeenToday: b.newSeenToday,
    newPerDay: b.newPerDay,
    learning: learningNow + b.later.filter((l) => l.learning).length,
    unseen: b.unseen.length,
    total: b.total,
    ...(b.later[0] ? { nextDue: b.later[0].due } : {}),
  };
}

/** The card to show now: the most overdue review first, then the next new card (deck order). */
export function nextCard(deck: Deck, state: ReviewState, options: QueueOptions): NextCard | undefined {
  const b = buckets(deck, state, options);
  if (b.due[0]) return { card: b.due[0], why: 'due' };
  if (b.newLeft > 0 && b.unseen[0]) return { card: b.unseen[0], why: 'new' };
  const horizon = options.now.getTime() + (options.learnAheadMinutes ?? DEFAULT_LEARN_AHEAD_MINUTES) * 60_000;
  const soon = b.later.find((l) => l.learning && l.due.getTime() <= horizon);
  return soon ? { card: soon.card, why: 'learn-ahead' } : undefined;
}
