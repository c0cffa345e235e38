/**
 * The sidebar's progress marks under `npm start` (issue 13, item 4): what each link gets, computed
 * from the catalog and the progress the dev server reports.
 */
import { describe, expect, test } from 'vitest';
import { buildSidebar } from './.vitepress/sidebar.ts';
import { buildCatalogView } from '../src/site/catalog-view.ts';
import { linkKey, markText, sidebarMarks } from '../src/site/sidebar-marks.ts';

const view = buildCatalogView();
const exercises = view.tracks.flatMap((t) => t.exercises);

describe('sidebar progress marks', () => {
  test('✓ on the exercises done, a mark on the current one, "n of m" on its track and its chapter', () => {
    const [first, second] = exercises;
    if (!first || !second) throw new Error('the workbook needs two exercises');
    const marks = sidebarMarks(view, { done: [first.id], current: second.id });
    expect(marks.get(first.url)).toEqual({ kind: 'exercise', done: true, current: false });
    expect(marks.get(second.url)).toEqual({ kind: 'exercise', done: false, current: true });
    const track = view.tracks.find((t) => t.id === first.trackId);
    expect(marks.get(track!.url)).toEqual({ kind: 'count', done: 1, total: track!.exercises.length });
    const chapterExercises = exercises.filter((e) => e.chapter === first.chapter);
    const chapter = view.chapters.find((c) => c.id === first.chapter);
    if (chapter?.url) expect(marks.get(chapter.url)).toEqual({ kind: 'count', done: 1, total: chapterExercises.length });
    expect(exercises.slice(2).filter((e) => marks.has(e.url)), 'exercises neither done nor current get nothing').toEqual([]);
  });

  test('every mark is keyed by a link the sidebar really has', () => {
    const links: string[] = [];
    const walk = (items: Array<{ link?: string; items?: unknown[] }>): void => {
      for (const item of items) {
        if (item.link) links.push(linkKey(item.link));
        if (item.items) walk(item.items as Array<{ link?: string; items?: unknown[] }>);
      }
    };
    walk(buildSidebar(view));
    const marks = sidebarMarks(view, { done: exercises.map((e) => e.id), current: exercises[0]?.id });
    expect([...marks.keys()].filter((key) => !links.includes(key))).toEqual([]);
    expect([...marks.values()].filter((m) => m.kind === 'count').length).toBeGreaterThanOrEqual(view.tracks.length);
  });

  test('say in words what they show, for screen readers', () => {
    expect(markText({ kind: 'count', done: 3, total: 6 })).toBe('3 of 6 exercises done');
    expect(markText({ kind: 'exercise', done: true, current: false })).toBe('done');
    expect(markText({ kind: 'exercise', done: false, current: true })).toBe('the exercise the loop is on');
  });

  test('link keys ignore .html endings and the site base', () => {
    expect(linkKey('/exercises/01_a/01_b.html')).toBe('/exercises/01_a/01_b');
    expect(linkKey('/exercises/#01_a')).toBe('/exercises/#01_a');
    expect(linkKey('/workbook/chapters/kafka', '/workbook/')).toBe('/chapters/kafka');
  });
});
