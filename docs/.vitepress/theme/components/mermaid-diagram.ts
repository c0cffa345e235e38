/**
 * Draws one ```mermaid block as inline SVG. Mermaid (large) is imported only when a diagram
 * mounts, so pages without diagrams never load it. The diagram follows the light/dark switch.
 * A diagram that does not parse shows a readable error box instead of Mermaid's "bomb" picture,
 * and reports it on the console, which fails the site's browser test.
 */
import { defineComponent, h, onMounted, ref, watch, type VNode } from 'vue';
import { useData } from 'vitepress';

type State = 'pending' | 'rendered' | 'error';
let diagrams = 0;

export const MermaidDiagram = defineComponent({
  name: 'MermaidDiagram',
  props: {
    /** The diagram's source, URI-encoded by the Markdown plugin. */
    code: { type: String, required: true },
  },
  setup(props) {
    const { isDark } = useData();
    const state = ref<State>('pending');
    const svg = ref('');
    const problem = ref('');
    const drawnTheme = ref<'dark' | 'default'>();
    const source = decodeURIComponent(props.code);
    let drawing = 0;

    async function draw(): Promise<void> {
      const attempt = ++drawing;
      try {
        const { default: mermaid } = await import('mermaid');
        const theme = isDark.value ? 'dark' : 'default';
        mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', suppressErrorRendering: true, theme });
        await mermaid.parse(source);
        const result = await mermaid.render(`mermaid-diagram-${++diagrams}`, source);
        if (attempt !== drawing) return; // the theme changed meanwhile; a newer drawing is on its way
        svg.value = result.svg;
        drawnTheme.value = theme;
        state.value = 'rendered';
      } catch (error) {
        if (attempt !== drawing) return;
        problem.value = error instanceof Error ? error.message : String(error);
        state.value = 'error';
        console.error(`A mermaid diagram on this page could not be drawn: ${problem.value}`);
      }
    }

    onMounted(() => {
      void draw();
      watch(isDark, () => void draw());
    });

    return (): VNode => {
      const attributes = { class: 'mermaid-diagram', 'data-mermaid': state.value, 'data-theme': drawnTheme.value };
      if (state.value === 'rendered') {
        // Its drawn width, so that a phone can show a wide diagram at a readable size, scrolling inside its box.
        const width = /viewBox="[-\d.]+ [-\d.]+ ([\d.]+)/.exec(svg.value)?.[1];
        return h('div', { ...attributes, style: width ? { '--diagram-width': `${Math.ceil(Number(width))}px` } : undefined, innerHTML: svg.value });
      }
      if (state.value === 'error') {
        return h('div', { ...attributes, role: 'alert' }, [
          h('p', { class: 'mermaid-error-title' }, 'This diagram has a syntax error and could not be drawn:'),
          h('pre', { class: 'mermaid-error-message' }, problem.value),
          h('details', [h('summary', 'Diagram source'), h('pre', source)]),
        ]);
      }
      return h('div', { ...attributes, 'aria-busy': 'true' }, h('p', { class: 'mermaid-pending' }, 'Drawing the diagram…'));
    };
  },
});
