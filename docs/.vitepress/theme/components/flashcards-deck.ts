/** The deck as the engine takes it, built from the cards the data loader parsed at build time. */
import type { Card, Deck } from '../../../../src/flashcards/index.ts';
import { data } from './flashcards-deck.data.ts';

export const deck: Deck = { cards: data.cards, byId: new Map<string, Card>(data.cards.map((card) => [card.id, card])) };
