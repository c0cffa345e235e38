/**
 * Draws one ```mermaid block as inline SVG in the page: only for a diagram whose drawing is not in
 * the build-time cache yet (`npm run diagrams`; a cached one is static HTML, see mermaid-fence.ts
 * and ../diagram-controls.ts, which gives it the same behaviour). Mermaid (large) is imported only
 * when such a diagram mounts, so other pages never load it. The diagram follows the light/dark
 * switch. A diagram that does not parse shows a readable error box instead of Mermaid's "bomb"
 * picture, and reports it on the console, which fails the site's browser test.
 *
 * What a reader gets besides the picture:
 * - its text alternative (the source's accTitle/accDescr) in the SVG (Mermaid's <title>/<desc>),
 *   and in the static HTML before a browser drawing replaces it;
 * - text never below 12 px on screen: the SVG shrinks to the column only down to the scale at which
 *   its smallest text is 12 px; beyond that its box scrolls sideways, from the keyboard too;
 * - a "full size" view when the diagram is shrunk or scrolls.
 */
import { defineComponent, h, nextTick, onBeforeUnmount, onMounted, ref, watch, type VNode } from 'vue';
import { useData } from 'vitepress';
import { readDiagramSource } from '../../../../src/site/diagram-source.ts';
import { DIAGRAM_THEMES, MERMAID_LAYOUT, SMALLEST_TEXT_PX } from '../../../../src/site/diagram-layout.ts';

type State = 'pending' | 'rendered' | 'error';

let diagrams = 0;

export const MermaidDiagram = defineComponent({
  name: 'MermaidDiagram',
  props: {
    /** The diagram's source, URI-encoded by the Markdown plugin. */
    code: { type: String, required: true },
    /** The key of its drawing in the cache (src/site/diagram-cache.ts), for scripts/diagrams.ts. */
    diagramKey: { type: String, default: '' },
  },
  setup(props) {
    const { isDark } = useData();
    const state = ref<State>('pending');
    const svg = ref('');
    const problem = ref('');
    const drawnTheme = ref<'dark' | 'default'>();
    const source = decodeURIComponent(props.code);
    const { title, description } = readDiagramSource(source);
    const name = title ?? 'Diagram';
    const scroller = ref<HTMLElement>();
    const naturalWidth = ref(0);
    const minimumWidth = ref(0);
    const shrunkOrScrolls = ref(false);
    const scrolls = ref(false);
    const full = ref(false);
    let drawing = 0;
    let observer: ResizeObserver | undefined;

    async function draw(): Promise<void> {
      const attempt = ++drawing;
      try {
        const { default: mermaid } = await import('mermaid');
        const theme = DIAGRAM_THEMES[isDark.value ? 'dark' : 'light'];
        mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', suppressErrorRendering: true, theme, ...MERMAID_LAYOUT });
        await mermaid.parse(source);
        const result = await mermaid.render(`mermaid-diagram-${++diagrams}`, source);
        if (attempt !== drawing) return; // the theme changed meanwhile; a newer drawing is on its way
        svg.value = result.svg;
        drawnTheme.value = theme;
        state.value = 'rendered';
        await nextTick();
        fitText();
      } catch (error) {
        if (attempt !== drawing) return;
        problem.value = error instanceof Error ? error.message : String(error);
        state.value = 'error';
        console.error(`A mermaid diagram on this page could not be drawn: ${problem.value}`);
      }
    }

    /** How narrow the SVG may get: at that width its smallest text is 12 px on screen. */
    function fitText(): void {
      const drawn = scroller.value?.querySelector('svg');
      if (!drawn) return;
      naturalWidth.value = drawn.viewBox.baseVal?.width || drawn.getBoundingClientRect().width;
      const sizes = [...drawn.querySelectorAll('text, foreignObject *')]
        .filter((e) => e.childElementCount === 0 && (e.textContent ?? '').trim() !== '')
        .map((e) => parseFloat(getComputedStyle(e).fontSize))
        .filter((size) => size > 0);
      const smallest = Math.min(...sizes, 16);
      minimumWidth.value = Math.min(naturalWidth.value, Math.ceil((naturalWidth.value * (SMALLEST_TEXT_PX + 0.1)) / smallest));
      measure();
    }

    function measure(): void {
      const box = scroller.value;
      if (!box) return;
      shrunkOrScrolls.value = naturalWidth.value > box.clientWidth + 1;
      scrolls.value = box.scrollWidth > box.clientWidth + 1;
    }

    function onKey(event: KeyboardEvent): void {
      if (event.key === 'Escape' && full.value) full.value = false;
    }

    onMounted(() => {
      void draw();
      watch(isDark, () => void draw());
      observer = new ResizeObserver(() => measure());
      watch(scroller, (box) => {
        observer?.disconnect();
        if (box) observer?.observe(box);
      }, { immediate: true });
      watch(full, () => nextTick(measure));
      window.addEventListener('keydown', onKey);
    });
    onBeforeUnmount(() => {
      observer?.disconnect();
      window.removeEventListener('keydown', onKey);
    });

    return (): VNode => {
      const attributes = {
        class: ['mermaid-diagram', { 'is-full': full.value }],
        'data-mermaid': state.value,
        'data-theme': drawnTheme.value,
        'data-drawn': 'page',
        'data-diagram-key': props.diagramKey || undefined,
      };
      if (state.value === 'rendered') {
        const style = naturalWidth.value > 0 ? { '--diagram-width': `${Math.ceil(naturalWidth.value)}px`, '--diagram-min-width': `${minimumWidth.value}px` } : undefined;
        return h('figure', { ...attributes, style }, [
          h('div', {
            ref: scroller,
            class: 'mermaid-scroll',
            // A box that scrolls must be reachable from the keyboard, and say what it holds.
            ...(scrolls.value ? { tabindex: 0, role: 'region', 'aria-label': `${name} (scrolls sideways)` } : {}),
            innerHTML: svg.value,
          }),
          shrunkOrScrolls.value || full.value
            ? h('button', { type: 'button', class: 'mermaid-full-toggle', 'aria-pressed': full.value ? 'true' : 'false', onClick: () => (full.value = !full.value) }, full.value ? 'Close the full-size view' : 'Full size')
            : null,
        ]);
      }
      if (state.value === 'error') {
        return h('div', { ...attributes, role: 'alert' }, [
          h('p', { class: 'mermaid-error-title' }, 'This diagram has a syntax error and could not be drawn:'),
          h('pre', { class: 'mermaid-error-message' }, problem.value),
          h('details', [h('summary', 'Diagram source'), h('pre', source)]),
        ]);
      }
      // What the static HTML shows (no JavaScript, search engines) until the drawing replaces it.
      return h('figure', { ...attributes, 'aria-busy': 'true' }, [
        h('p', { class: 'mermaid-pending' }, [h('strong', `${name}. `), description ?? 'Drawing the diagram…']),
      ]);
    };
  },
});
