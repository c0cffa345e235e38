/**
 * Page URLs, commands and labels used both at build time (Node) and by the theme (browser):
 * this module must import nothing from Node.
 */
import type { Broker, Exercise } from '../catalog/catalog.ts';
import { CHAPTERS } from '../catalog/chapters.ts';

// VitePress serves clean URLs (no .html).
export const chapterUrl = (id: string): string => `/chapters/${id}`;
export const exerciseUrl = (exerciseId: string): string => `/exercises/${exerciseId}`;
export const labUrl = (name: string): string => `/labs/${name}`;
export const trackUrl = (trackId: string): string => `/exercises/#${trackId}`;

export const labCommand = (name: string): string => `npm run lab -- ${name}`;

export const BROKER_LABELS: Record<Broker, string> = { redis: 'Redis', kafka: 'Kafka', sns: 'AWS SNS', none: 'no broker' };

/** How an exercise is described in lists: difficulty, broker, and whether it reviews the guide's code. */
export function exerciseTags(exercise: Pick<Exercise, 'difficulty' | 'broker' | 'kind'>): string {
  return [exercise.difficulty, BROKER_LABELS[exercise.broker], exercise.kind === 'review' ? "review the guide's code" : ''].filter(Boolean).join(' · ');
}

/** Labs grouped by their chapter, chapters in learning order, labs by title within one. */
export function labsByChapter<L extends { chapter: string; title: string }>(view: { labs: readonly L[] }): Array<{ id: string; number: number; title: string; labs: L[] }> {
  return CHAPTERS.map((chapter, i) => ({
    id: chapter.id,
    number: i + 1,
    title: chapter.title,
    labs: view.labs.filter((l) => l.chapter === chapter.id).sort((a, b) => a.title.localeCompare(b.title)),
  })).filter((group) => group.labs.length > 0);
}
