/**
 * The progress marks of the sidebar (under `npm start`): ✓ on each exercise done, a mark on the one
 * the loop is on, and "n of m done" beside each chapter and track that has exercises. Keyed by the
 * sidebar link's path, so the theme only has to find the links. Browser-safe: no Node imports.
 */
import type { SiteProgress } from './progress-protocol.ts';

export type SidebarMark =
  | { kind: 'exercise'; done: boolean; current: boolean }
  | { kind: 'count'; done: number; total: number };

interface ExerciseLink {
  id: string;
  chapter: string;
  url: string;
}

interface TrackLink {
  url: string;
  exercises: ExerciseLink[];
}

interface ChapterLink {
  id: string;
  url?: string;
}

export function sidebarMarks(
  view: { chapters: ChapterLink[]; tracks: TrackLink[] },
  progress: SiteProgress,
): Map<string, SidebarMark> {
  const done = new Set(progress.done);
  const marks = new Map<string, SidebarMark>();
  const count = (exercises: ExerciseLink[]): SidebarMark => ({
    kind: 'count',
    done: exercises.filter((e) => done.has(e.id)).length,
    total: exercises.length,
  });
  const exercises = view.tracks.flatMap((t) => t.exercises);
  for (const e of exercises) {
    const mark = { kind: 'exercise' as const, done: done.has(e.id), current: progress.current === e.id };
    if (mark.done || mark.current) marks.set(e.url, mark);
  }
  for (const track of view.tracks) if (track.exercises.length > 0) marks.set(track.url, count(track.exercises));
  for (const chapter of view.chapters) {
    const own = exercises.filter((e) => e.chapter === chapter.id);
    if (chapter.url && own.length > 0) marks.set(chapter.url, count(own));
  }
  return marks;
}

/** What a screen reader hears after the link's own text. */
export function markText(mark: SidebarMark): string {
  if (mark.kind === 'count') return `${mark.done} of ${mark.total} exercises done`;
  return [mark.done ? 'done' : '', mark.current ? 'the exercise the loop is on' : ''].filter(Boolean).join(', ');
}

/** The key of a sidebar link: its path and hash, without the site's base or a `.html` ending. */
export function linkKey(href: string, base = '/'): string {
  const url = new URL(href, 'http://site.invalid');
  let path = url.pathname.replace(/\.html$/, '');
  if (base !== '/' && path.startsWith(base)) path = `/${path.slice(base.length)}`;
  return `${path}${url.hash}`;
}
