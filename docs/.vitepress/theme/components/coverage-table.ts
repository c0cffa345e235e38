/** The coverage table: each section of the guides and the page(s) that cover it. */
import { defineComponent, h, type VNode } from 'vue';
import { data } from '../../data/coverage.data.ts';

export const CoverageTable = defineComponent({
  name: 'CoverageTable',
  setup() {
    return (): VNode =>
      h('div', { class: 'coverage' }, [
        h('p', { class: 'coverage-summary' }, data.uncovered === 0 ? 'Every section has a page.' : `${data.uncovered} section(s) have no page yet.`),
        ...data.guides.flatMap((guide) => [
          h('h2', { id: `guide-${guide.id}`, tabindex: '-1' }, [guide.title, h('a', { class: 'header-anchor', href: `#guide-${guide.id}`, 'aria-label': `Permalink to ${guide.title}` }, '')]),
          h('table', [
            h('thead', h('tr', [h('th', 'Section of the guide'), h('th', 'Drawings'), h('th', 'Page')])),
            h(
              'tbody',
              guide.rows.map((row) =>
                h('tr', { class: row.pages.length === 0 ? 'is-uncovered' : '' }, [
                  h('td', { class: row.level === 3 ? 'coverage-sub' : '' }, row.heading),
                  h('td', row.drawings > 0 ? String(row.drawings) : ''),
                  h('td', row.pages.length > 0 ? joinLinks(row.pages) : h('em', 'not covered yet')),
                ]),
              ),
            ),
          ]),
        ]),
      ]);
  },
});

function joinLinks(pages: Array<{ title: string; url: string }>): Array<VNode | string> {
  return pages.flatMap((page, i) => [i > 0 ? ', ' : '', h('a', { href: page.url }, page.title)]);
}
