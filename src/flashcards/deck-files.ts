/**
 * Reads the deck from deck/cards/*.yaml. Node only: the browser bundles the same files as text
 * and calls parseDeck itself.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, displayPath } from '../catalog/paths.ts';
import { WorkbookError } from '../harness/errors.ts';
import { parseDeck, type Deck, type DeckFile } from './deck.ts';

export const DECK_DIR = join(ROOT, 'deck', 'cards');

export function readDeckFiles(dir = DECK_DIR): DeckFile[] {
  if (!existsSync(dir)) throw new WorkbookError(`The flashcard deck is missing: expected YAML files in ${displayPath(dir)}/.`);
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

export function loadDeck(dir = DECK_DIR): Deck {
  return parseDeck(readDeckFiles(dir), displayPath(dir));
}
