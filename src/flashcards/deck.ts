/**
 * The deck: the YAML files of deck/cards/, one per chapter (`kafka.yaml` holds the cards that link
 * the Kafka chapter), each a list of cards. Parsing is pure, so the browser can do it on text it
 * bundled; reading the folder is deck-files.ts (Node only).
 */
import { parse } from 'yaml';
import { CHAPTERS, type ChapterId } from '../catalog/chapters.ts';
import { WorkbookError } from '../harness/errors.ts';
import { cardInputSchema, type Card } from './schema.ts';

export interface DeckFile {
  /** The file's name, e.g. `kafka.yaml`; the part before `.yaml` is the chapter id. */
  name: string;
  text: string;
}

export interface Deck {
  /** In chapter order, then in file order: the order new cards are introduced. */
  cards: readonly Card[];
  byId: ReadonlyMap<string, Card>;
}

/** The deck files are broken: every problem, one per line, each naming file and card. */
export class DeckError extends WorkbookError {
  constructor(readonly problems: string[]) {
    super(`The flashcard deck has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    this.name = 'DeckError';
  }
}

const CHAPTER_ORDER = new Map<string, number>(CHAPTERS.map((c, i) => [c.id, i]));

export function parseDeck(files: readonly DeckFile[], where = 'deck/cards'): Deck {
  const problems: string[] = [];
  const cards: Card[] = [];
  const ordered = [...files].sort((a, b) => (CHAPTER_ORDER.get(chapterOf(a)) ?? 99) - (CHAPTER_ORDER.get(chapterOf(b)) ?? 99));
  for (const file of ordered) {
    const path = `${where}/${file.name}`;
    const chapter = chapterOf(file);
    if (!CHAPTER_ORDER.has(chapter)) {
      problems.push(`${path}: "${chapter}" is not a chapter id; name deck files after a chapter of src/catalog/chapters.ts (${CHAPTERS.map((c) => c.id).join(', ')}).`);
      continue;
    }
    let data: unknown;
    try {
      data = parse(file.text);
    } catch (error) {
      problems.push(`${path}: not valid YAML (${(error instanceof Error ? error.message : String(error)).split('\n')[0]}).`);
      continue;
    }
    if (data === null || data === undefined) continue; // an empty file: no cards yet
    if (!Array.isArray(data)) {
      problems.push(`${path}: expected a list of cards (each starting with "- id: ...").`);
      continue;
    }
    data.forEach((raw: unknown, index) => {
      const label = typeof raw === 'object' && raw !== null && 'id' in raw ? `card "${String(raw.id)}"` : `card ${index + 1}`;
      const parsed = cardInputSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(`${path}: ${label}: ${issue.path.join('.') || 'card'}: ${issue.message}`);
        return;
      }
      if (parsed.data.chapter !== undefined && parsed.data.chapter !== chapter) {
        problems.push(`${path}: ${label}: chapter is "${parsed.data.chapter}" but the card is in ${file.name}; move it to ${parsed.data.chapter}.yaml.`);
        return;
      }
      cards.push({ ...parsed.data, chapter: chapter as ChapterId });
    });
  }
  const byId = new Map<string, Card>();
  for (const card of cards) {
    if (byId.has(card.id)) problems.push(`card id "${card.id}" is used twice; ids must be unique across the deck.`);
    byId.set(card.id, card);
  }
  if (problems.length > 0) throw new DeckError(problems);
  return { cards, byId };
}

function chapterOf(file: DeckFile): string {
  return file.name.replace(/\.ya?ml$/, '');
}
