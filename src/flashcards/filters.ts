/**
 * Which cards a session draws from: by chapter, level and kind. The trainers take the values as
 * text (command-line flags, URL parameters), so parsing gives a one-line error that lists the valid
 * choices. Browser-safe: no Node imports.
 */
import { CHAPTERS, chapterTitle, type ChapterId } from '../catalog/chapters.ts';
import { WorkbookError } from '../harness/errors.ts';
import { KINDS, LEVELS, type Card, type Kind, type Level } from './schema.ts';

export interface CardFilter {
  /** Only cards linking these chapters (any of them); empty or absent means every chapter. */
  chapters?: readonly ChapterId[];
  levels?: readonly Level[];
  kinds?: readonly Kind[];
}

export function matchesFilter(card: Card, filter: CardFilter = {}): boolean {
  const allows = <T>(values: readonly T[] | undefined, value: T): boolean => values === undefined || values.length === 0 || values.includes(value);
  return allows(filter.chapters, card.chapter) && allows(filter.levels, card.level) && allows(filter.kinds, card.kind);
}

export function filterCards(cards: readonly Card[], filter: CardFilter = {}): Card[] {
  return cards.filter((card) => matchesFilter(card, filter));
}

/** "Apache Kafka · level advanced" (chapters by their title, as a reader knows them), or "all cards". */
export function describeFilter(filter: CardFilter = {}): string {
  const parts = [
    filter.chapters?.length ? filter.chapters.map(chapterTitle).join(', ') : '',
    filter.levels?.length ? `level ${filter.levels.join(', ')}` : '',
    filter.kinds?.length ? `kind ${filter.kinds.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'all cards';
}

/** Values as typed (`--chapter kafka --chapter sns`, or `kafka,sns`), checked against the known ones. */
function parseChoices<T extends string>(values: readonly string[], choices: readonly T[], what: string): T[] {
  const parsed = values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  for (const value of parsed) {
    if (!(choices as readonly string[]).includes(value)) {
      throw new WorkbookError(`No ${what} called "${value}". Choose from: ${choices.join(', ')}.`);
    }
  }
  return [...new Set(parsed)] as T[];
}

export const parseChapters = (values: readonly string[]): ChapterId[] => parseChoices(values, CHAPTERS.map((c) => c.id), 'chapter');
export const parseLevels = (values: readonly string[]): Level[] => parseChoices(values, LEVELS, 'level');
export const parseKinds = (values: readonly string[]): Kind[] => parseChoices(values, KINDS, 'kind');
