/** The full lists on /exercises/ and /labs/, grouped by track and linked to each page. */
import { defineComponent, h, type VNode } from 'vue';
import { labsByChapter } from '../../../../src/site/shared.ts';
import { data } from '../../data/workbook.data.ts';
import { exerciseItem, labItem } from './chapter-practice.ts';

export const ExerciseIndex = defineComponent({
  name: 'ExerciseIndex',
  setup() {
    return (): VNode =>
      h(
        'div',
        { class: 'practice' },
        data.tracks.map((track) => {
          const chapter = data.chapters.find((c) => c.id === track.chapter);
          return h('section', { class: 'practice-track' }, [
            h('h2', { id: track.id, tabindex: '-1' }, [track.title, h('a', { class: 'header-anchor', href: `#${track.id}`, 'aria-label': `Permalink to ${track.title}` }, '')]),
            // Rendered from the track's README by the data loader.
            h('div', { class: 'practice-intro', innerHTML: track.introductionHtml }),
            h('p', { class: 'practice-track-title' }, [
              'Chapter: ',
              chapter?.url ? h('a', { href: chapter.url }, chapter.title) : `${chapter?.title ?? track.chapter} (being written)`,
              ` · ${track.exercises.length} exercises`,
            ]),
            h('ul', { class: 'practice-list' }, track.exercises.map(exerciseItem)),
          ]);
        }),
      );
  },
});

export const LabIndex = defineComponent({
  name: 'LabIndex',
  setup() {
    return (): VNode =>
      data.labs.length > 0
        ? h(
            'div',
            { class: 'practice lab-index' },
            labsByChapter(data).flatMap((group) => [
              h('h2', { id: `chapter-${group.id}`, class: 'lab-index-chapter' }, `${group.number}. ${group.title}`),
              h('ul', { class: 'practice-list' }, group.labs.map(labItem)),
            ]),
          )
        : h('p', { class: 'practice-none' }, 'No labs yet.');
  },
});
