/**
 * The site's own 404 page: says what happened in plain words and offers the ways on — the home
 * page, the chapters in order, the exercises and labs — instead of VitePress's stock quote.
 */
import { defineComponent, h, type VNode } from 'vue';
import { data } from '../../data/workbook.data.ts';

export const WorkbookNotFound = defineComponent({
  name: 'WorkbookNotFound',
  setup() {
    return (): VNode =>
      h('main', { class: 'not-found', id: 'not-found' }, [
        h('p', { class: 'not-found-code' }, '404'),
        h('h1', { class: 'not-found-title' }, 'There is no page at this address'),
        h('p', 'The link may be old (chapters and exercises have been renamed), or the address was mistyped. Search with the box at the top, or pick up from here:'),
        h('ul', { class: 'not-found-links' }, [
          h('li', h('a', { href: '/' }, 'The home page and the learning path')),
          h('li', h('a', { href: '/exercises/' }, 'All exercises')),
          h('li', h('a', { href: '/labs/' }, 'All labs')),
        ]),
        h('p', { class: 'not-found-heading' }, 'The chapters'),
        h(
          'ol',
          { class: 'not-found-chapters' },
          data.chapters.filter((c) => c.url).map((c) => h('li', h('a', { href: c.url }, c.title))),
        ),
      ]);
  },
});
