/**
 * The home page's body: what is inside (with the catalog's own counts), the three commands, and
 * where the learner is. On the static site that is a clear start (chapter 1); under `npm start`,
 * where the dev server reports progress, it is the progress of each track and the next exercise.
 */
import { computed, defineComponent, h, type VNode } from 'vue';
import { data } from '../../data/workbook.data.ts';
import { isDone, useProgress } from '../progress.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const WorkbookContents = defineComponent({
  name: 'WorkbookContents',
  setup() {
    return (): VNode => {
      const chapters = data.chapters.filter((c) => c.url);
      const exercises = data.tracks.flatMap((t) => t.exercises);
      const items = [
        { title: 'Chapters', count: plural(chapters.length, 'chapter'), text: 'From the fundamentals to interview preparation, with diagrams and the places the source guides go wrong.', link: chapters[0]?.url ?? '/', action: 'Read chapter 1' },
        { title: 'Exercises', count: `${plural(exercises.length, 'exercise')} in ${plural(data.tracks.length, 'track')}`, text: 'Failing tests against real brokers: edit the file until they pass; hints and a reference solution on the way.', link: '/exercises/', action: 'All exercises' },
        { title: 'Labs', count: plural(data.labs.length, 'lab'), text: 'Programs that make a broker behaviour happen in front of you and print what they measured.', link: '/labs/', action: 'All labs' },
        { title: 'Flashcards', count: 'spaced repetition', text: "The interview questions of every chapter, scheduled so that you review each just before you would forget it.", link: '/flashcards', action: 'Review cards' },
        { title: 'Mock interview', count: 'timed questions', text: 'Answer in your own words against the clock, then tick the key points of the model answer.', link: '/interview-practice', action: 'Start an interview' },
      ];
      return h(
        'ul',
        { class: 'home-contents' },
        items.map((item) =>
          h('li', { class: 'home-card' }, [
            h('h3', { class: 'home-card-title' }, [h('a', { href: item.link }, item.title)]),
            h('p', { class: 'home-card-count' }, item.count),
            h('p', { class: 'home-card-text' }, item.text),
            h('p', { class: 'home-card-action' }, h('a', { href: item.link }, `${item.action} →`)),
          ]),
        ),
      );
    };
  },
});

/** Where the learner is: progress per track and the next exercise under `npm start`; a clear start otherwise. */
export const WorkbookProgress = defineComponent({
  name: 'WorkbookProgress',
  setup() {
    const progress = useProgress();
    const exercises = computed(() => data.tracks.flatMap((t) => t.exercises));
    return (): VNode => {
      const first = data.chapters.find((c) => c.url);
      if (!progress.value) {
        return h('div', { class: 'home-progress', 'data-progress': 'static' }, [
          h('p', [
            'New here? ',
            h('a', { href: first?.url ?? '/', class: 'home-start' }, `Start with chapter 1, ${first?.title ?? 'the fundamentals'}`),
            '. Under ',
            h('code', 'npm start'),
            ' this page also shows your progress in each track and your next exercise.',
          ]),
        ]);
      }
      const state = progress.value;
      const next = exercises.value.find((e) => e.id === state.current && !isDone(state, e.id)) ?? exercises.value.find((e) => !isDone(state, e.id));
      return h('div', { class: 'home-progress', 'data-progress': 'live' }, [
        next
          ? h('p', { class: 'home-next', 'data-next': next.id }, ['Your next exercise: ', h('a', { href: next.url }, next.title), ' — the loop in your terminal is on it.'])
          : h('p', { class: 'home-next', 'data-next': '' }, 'You have done every exercise. Rehearse with the flashcards and the mock interview.'),
        h(
          'table',
          { class: 'home-tracks' },
          [
            h('thead', h('tr', [h('th', 'Track'), h('th', 'Done')])),
            h(
              'tbody',
              data.tracks.map((track) => {
                const done = track.exercises.filter((e) => isDone(state, e.id)).length;
                return h('tr', { 'data-track': track.id, 'data-done': done }, [
                  h('td', h('a', { href: track.url }, track.title)),
                  h('td', [
                    h('progress', { max: track.exercises.length, value: done, 'aria-label': `${track.title}: ${done} of ${track.exercises.length} exercises done` }),
                    ` ${done} of ${track.exercises.length}`,
                  ]),
                ]);
              }),
            ),
          ],
        ),
      ]);
    };
  },
});
