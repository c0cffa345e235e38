/**
 * The home page's learning path: every chapter in order, linked once written, with how many
 * exercises and labs it has (and, under `npm start`, how many of its exercises are done).
 */
import { computed, defineComponent, h, type VNode } from 'vue';
import { data } from '../../data/workbook.data.ts';
import { isDone, useProgress } from '../progress.ts';

export const LearningPath = defineComponent({
  name: 'LearningPath',
  setup() {
    const progress = useProgress();
    const chapters = computed(() =>
      data.chapters.map((chapter) => {
        const exercises = data.tracks.flatMap((t) => t.exercises).filter((e) => e.chapter === chapter.id);
        const labs = data.labs.filter((l) => l.chapter === chapter.id);
        return { chapter, exercises, labs };
      }),
    );
    return (): VNode =>
      h(
        'ol',
        { class: 'learning-path' },
        chapters.value.map(({ chapter, exercises, labs }) => {
          const done = exercises.filter((e) => isDone(progress.value, e.id)).length;
          const counts = [
            exercises.length > 0 ? `${exercises.length} exercise${exercises.length === 1 ? '' : 's'}` : '',
            labs.length > 0 ? `${labs.length} lab${labs.length === 1 ? '' : 's'}` : '',
            progress.value && exercises.length > 0 ? `${done}/${exercises.length} done` : '',
          ].filter(Boolean);
          return h('li', { class: ['learning-path-step', chapter.url ? '' : 'is-pending'] }, [
            chapter.url ? h('a', { href: chapter.url }, chapter.title) : h('span', chapter.title),
            chapter.url ? null : h('span', { class: 'learning-path-badge' }, 'being written'),
            counts.length > 0 ? h('span', { class: 'learning-path-counts' }, counts.join(' · ')) : null,
          ]);
        }),
      );
  },
});
