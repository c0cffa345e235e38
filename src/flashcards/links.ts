/**
 * Where a card sends the learner to read more: its chapter's page, at the heading it names.
 * Browser-safe: no Node imports.
 */
import { chapterTitle } from '../catalog/chapters.ts';
import { chapterUrl } from '../site/shared.ts';
import type { Card } from './schema.ts';

/** The site URL, e.g. `/chapters/kafka#consumer-lag`. */
export function cardLink(card: Pick<Card, 'chapter' | 'anchor'>): string {
  return `${chapterUrl(card.chapter)}${card.anchor ? `#${card.anchor}` : ''}`;
}

/** The chapter's Markdown source, for the terminal: `docs/chapters/kafka.md#consumer-lag`. */
export function cardSourceFile(card: Pick<Card, 'chapter' | 'anchor'>): string {
  return `docs/chapters/${card.chapter}.md${card.anchor ? `#${card.anchor}` : ''}`;
}

export function cardChapterTitle(card: Pick<Card, 'chapter'>): string {
  return chapterTitle(card.chapter);
}
