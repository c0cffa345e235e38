/**
 * The Flashcards page's filter lives in its address (`/flashcards?chapter=kafka&level=advanced`),
 * so a chapter can link to its own cards and a reload keeps the choice. Values are checked by the
 * engine's parsers: a wrong one gives their one-line message and the page shows every card.
 */
import { parseChapters, parseLevels, type CardFilter } from '../../../../src/flashcards/index.ts';

export interface FilterFromUrl {
  filter: CardFilter;
  error?: string;
}

export function filterFromUrl(search: string): FilterFromUrl {
  const params = new URLSearchParams(search);
  try {
    return { filter: { chapters: parseChapters(params.getAll('chapter')), levels: parseLevels(params.getAll('level')) } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { filter: {}, error: `The page address asks for cards that do not exist. ${reason} Showing every card.` };
  }
}

/** The same page's address for `filter`, keeping the rest of `current` (path, hash). */
export function urlWithFilter(current: URL, filter: CardFilter): string {
  const url = new URL(current.href);
  url.searchParams.delete('chapter');
  url.searchParams.delete('level');
  if (filter.chapters?.length) url.searchParams.set('chapter', filter.chapters.join(','));
  if (filter.levels?.length) url.searchParams.set('level', filter.levels.join(','));
  return `${url.pathname}${url.search}${url.hash}`;
}
