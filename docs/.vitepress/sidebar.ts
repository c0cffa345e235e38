/**
 * The sidebar, from the catalog: the chapters that are written (in the learning path's order),
 * every track's exercises and every lab. Built when the config loads; the pages themselves
 * refresh live, the sidebar on the next start.
 */
import type { DefaultTheme } from 'vitepress';
import { CHAPTERS } from '../../src/catalog/chapters.ts';
import { buildCatalogView, type CatalogView } from '../../src/site/catalog-view.ts';
import { labsByChapter } from '../../src/site/shared.ts';

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
        // A collapsible group is a link (to its place on the index page), so that VitePress draws it
        // as a link beside a toggle button, not as a button that holds another (axe: nested-interactive).
        ...view.tracks.map((track) => ({
          text: track.title,
          link: track.url,
          collapsed: true,
          items: track.exercises.map((e) => ({ text: e.title, link: e.url })),
        })),
      ],
    },
    {
      text: 'Labs',
      // By chapter, in learning order: previous/next on a lab page then follow the learning path.
      items: [
        { text: 'All labs', link: '/labs/' },
        ...labsByChapter(view).map(({ id, number, title, labs }) => ({
          text: `${number}. ${title}`,
          link: `/labs/#chapter-${id}`,
          collapsed: true,
          items: labs.map((lab) => ({ text: lab.title, link: lab.url })),
        })),
      ],
    },
    { text: 'Interview practice', items: [{ text: 'Flashcards', link: '/flashcards' }, { text: 'Mock interview', link: '/interview-practice' }] },
    { text: 'Reference', items: [{ text: 'Guide coverage', link: '/reference/coverage' }, { text: 'Shared numbers', link: '/reference/numbers' }] },
  ];
}

