/**
 * Progress marks in the sidebar while `npm start` serves the site (see src/site/sidebar-marks.ts for
 * what they say). VitePress draws the sidebar from the static config, so the marks are added to its
 * links here, again whenever the progress or the page changes. On the static site there is no
 * progress and nothing is added.
 */
import { useData, useRoute } from 'vitepress';
import { defineComponent, nextTick, onMounted, watch } from 'vue';
import { linkKey, markText, sidebarMarks, type SidebarMark } from '../../../../src/site/sidebar-marks.ts';
import { data } from '../../data/workbook.data.ts';
import { useProgress } from '../progress.ts';

const MARK_CLASS = 'sidebar-mark';

function markElement(mark: SidebarMark): HTMLElement {
  const span = document.createElement('span');
  span.className = MARK_CLASS;
  const visible = document.createElement('span');
  visible.setAttribute('aria-hidden', 'true');
  const spoken = document.createElement('span');
  spoken.className = 'sidebar-mark-text';
  spoken.textContent = ` (${markText(mark)})`;
  if (mark.kind === 'count') {
    span.dataset.mark = 'count';
    span.dataset.done = String(mark.done);
    span.dataset.total = String(mark.total);
    visible.textContent = `${mark.done} of ${mark.total} done`;
  } else {
    span.dataset.mark = [mark.done ? 'done' : '', mark.current ? 'current' : ''].filter(Boolean).join(' ');
    visible.textContent = mark.done ? '✓' : '●';
    span.title = mark.done ? 'You have solved this exercise' : 'The exercise the loop is on';
  }
  span.append(visible, spoken);
  return span;
}

export const SidebarProgress = defineComponent({
  name: 'SidebarProgress',
  setup() {
    const progress = useProgress();
    const route = useRoute();
    const { site } = useData();
    const apply = (): void => {
      const sidebar = document.querySelector('.VPSidebar');
      if (!sidebar) return;
      for (const old of sidebar.querySelectorAll(`.${MARK_CLASS}`)) old.remove();
      if (!progress.value) return;
      const marks = sidebarMarks(data, progress.value);
      for (const link of sidebar.querySelectorAll<HTMLAnchorElement>('a.VPLink[href]')) {
        const mark = marks.get(linkKey(link.getAttribute('href') ?? '', site.value.base));
        if (mark) link.append(markElement(mark));
      }
    };
    onMounted(() => {
      watch([progress, () => route.path], () => void nextTick(apply), { immediate: true });
    });
    return () => null;
  },
});
