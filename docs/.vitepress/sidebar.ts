/**
 * The sidebar, from the catalog: the chapters that are written (in the learning path's order),
 * every track's exercises and every lab. Built when the config loads; the pages themselves
 * refresh live, the sidebar on the next start.
 */
import type { DefaultTheme } from 'vitepress';
import { CHAPTERS } from '../../src/catalog/chapters.ts';
import { buildCatalogView, type CatalogView } from '../../src/site/catalog-view.ts';

export function buildSidebar(view: CatalogView = buildCatalogView()): DefaultTheme.SidebarItem[] {
  const chapters = view.chapters.flatMap((chapter) => {
    const number = CHAPTERS.findIndex((c) => c.id === chapter.id) + 1;
    return chapter.url ? [{ text: `${number}. ${chapter.title}`, link: chapter.url }] : [];
  });
  return [
    { text: 'Learning path', items: [{ text: 'Start here', link: '/' }, ...chapters] },
    {
      text: 'Exercises',
      items: [
        { text: 'All exercises', link: '/exercises/' },
        ...view.tracks.map((track) => ({
          text: track.title,
          collapsed: true,
          items: track.exercises.map((e) => ({ text: e.title, link: e.url })),
        })),
      ],
    },
    { text: 'Labs', items: [{ text: 'All labs', link: '/labs/' }, ...view.labs.map((lab) => ({ text: lab.title, link: lab.url }))] },
    { text: 'Interview practice', items: [{ text: 'Flashcards', link: '/flashcards' }, { text: 'Mock interview', link: '/interview-practice' }] },
    { text: 'Reference', items: [{ text: 'Guide coverage', link: '/reference/coverage' }, { text: 'Shared numbers', link: '/reference/numbers' }] },
  ];
}
