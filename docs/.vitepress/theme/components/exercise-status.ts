/**
 * "✓ Done" next to an exercise while `npm start` serves the site and the learner has solved it.
 * Renders nothing in the static build (there is no progress to read there).
 */
import { defineComponent, h, type VNode } from 'vue';
import { isDone, useProgress } from '../progress.ts';

export const DoneMark = defineComponent({
  name: 'DoneMark',
  props: { exercise: { type: String, required: true } },
  setup(props) {
    const progress = useProgress();
    return (): VNode | null =>
      isDone(progress.value, props.exercise)
        ? h('span', { class: 'done-mark', 'data-done': props.exercise, title: 'You have solved this exercise' }, '✓')
        : null;
  },
});

/** The status line at the top of an exercise page. */
export const ExerciseStatus = defineComponent({
  name: 'ExerciseStatus',
  props: { exercise: { type: String, required: true } },
  setup(props) {
    const progress = useProgress();
    return (): VNode | null => {
      if (!progress.value) return null;
      if (isDone(progress.value, props.exercise)) {
        return h('p', { class: 'exercise-status is-done', 'data-done': props.exercise }, '✓ Done — you have solved this exercise.');
      }
      const current = progress.value.current === props.exercise;
      return h('p', { class: 'exercise-status' }, current ? 'This is the exercise the loop is on.' : 'Not done yet.');
    };
  },
});
