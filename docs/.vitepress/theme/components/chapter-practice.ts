/**
 * <ChapterPractice chapter="<id>" />: what a chapter's reader can do next — its exercises, grouped
 * by track, and its labs — straight from the catalog. Says so plainly when there are none yet.
 */
import { defineComponent, h, type VNode } from 'vue';
import type { ExerciseSummary, LabSummary } from '../../../../src/site/catalog-view.ts';
import { exerciseTags } from '../../../../src/site/shared.ts';
import { data, type SiteTrack } from '../../data/workbook.data.ts';
import { DoneMark } from './exercise-status.ts';

export const ChapterPractice = defineComponent({
  name: 'ChapterPractice',
  props: { chapter: { type: String, required: true } },
  setup(props) {
    return (): VNode => {
      if (!data.chapters.some((c) => c.id === props.chapter)) {
        console.error(`<ChapterPractice chapter="${props.chapter}">: there is no chapter with that id (see src/catalog/chapters.ts).`);
        return h('div', { class: 'practice practice-error', role: 'alert' }, `Unknown chapter "${props.chapter}" in <ChapterPractice>.`);
      }
      const groups = data.tracks
        .map((track) => ({ track, exercises: track.exercises.filter((e) => e.chapter === props.chapter) }))
        .filter((g) => g.exercises.length > 0);
      const labs = data.labs.filter((l) => l.chapter === props.chapter);
      return h('div', { class: 'practice', 'data-chapter': props.chapter }, [
        h('p', { class: 'practice-heading' }, 'Exercises'),
        groups.length > 0 ? groups.map((g) => trackGroup(g.track, g.exercises)) : h('p', { class: 'practice-none' }, 'No exercises for this chapter yet.'),
        h('p', { class: 'practice-heading' }, 'Labs'),
        labs.length > 0 ? h('ul', { class: 'practice-list' }, labs.map(labItem)) : h('p', { class: 'practice-none' }, 'No labs for this chapter yet.'),
        h('p', { class: 'practice-heading' }, 'Flashcards'),
        h('p', {}, [
          h('a', { href: `/flashcards?chapter=${props.chapter}` }, "Rehearse this chapter's interview questions"),
          ' with spaced repetition, or in the terminal: ',
          h('code', { class: 'practice-command' }, `npm run cards -- --chapter ${props.chapter}`),
        ]),
      ]);
    };
  },
});

function trackGroup(track: SiteTrack, exercises: ExerciseSummary[]): VNode {
  return h('div', { class: 'practice-track' }, [
    // Which track these come from, and how big it is: never "1 of 6", which reads like a score.
    h('p', { class: 'practice-track-title' }, [
      'From the track ',
      h('a', { href: track.url }, track.title),
      exercises.length < track.exercises.length ? ` (${track.exercises.length} exercises in all)` : '',
    ]),
    h('ul', { class: 'practice-list' }, exercises.map(exerciseItem)),
  ]);
}

export function exerciseItem(exercise: ExerciseSummary): VNode {
  return h('li', { class: 'practice-item' }, [
    h('a', { href: exercise.url, 'data-exercise': exercise.id }, exercise.title),
    ' ',
    h(DoneMark, { exercise: exercise.id }),
    h('span', { class: 'practice-meta' }, exerciseTags(exercise)),
  ]);
}

export function labItem(lab: LabSummary): VNode {
  return h('li', { class: 'practice-item' }, [
    h('a', { href: lab.url, 'data-lab': lab.name }, lab.title),
    h('span', { class: 'practice-summary' }, lab.summary),
    h('code', { class: 'practice-command' }, lab.command),
  ]);
}
