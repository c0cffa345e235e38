/**
 * The interview deck for the Flashcards and mock-interview pages, read from deck/cards/*.yaml and
 * validated by the engine's parseDeck when the site is built (a broken card fails the build, naming
 * file and card). The browser receives the parsed cards as JSON: no YAML parser in its bundle, and
 * nothing fetched at run time, so the static build works offline.
 */
import { defineLoader } from 'vitepress';
import { loadDeck } from '../../../../src/flashcards/deck-files.ts';
import type { Card } from '../../../../src/flashcards/index.ts';

export interface DeckData {
  /** In the order new cards are introduced (chapter order, then file order). */
  cards: Card[];
}

export declare const data: DeckData;

export default defineLoader({
  // Reloads the pages under `npm start` when a card is added or edited.
  watch: ['../../../../deck/cards/*.yaml'],
  load: (): DeckData => ({ cards: [...loadDeck().cards] }),
});
