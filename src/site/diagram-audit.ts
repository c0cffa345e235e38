// The function passed to page.evaluate runs in the browser and uses its DOM.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * What a reader sees of each mermaid diagram on a page, measured in the browser:
 * - labels whose content is larger than the box Mermaid gave it (the box clips it);
 * - the smallest text on screen: its CSS font size times the scale the SVG is drawn at;
 * - the texts the SVG shows, so that the test can compare them with what the source declares
 *   (a label cut short or a stray word-box means the source did not parse as meant).
 */
import type { Page } from 'playwright-core';

export interface DiagramMeasure {
  /** 1-based position on the page. */
  index: number;
  /** accTitle of the diagram, or its first line. */
  name: string;
  kind: string;
  /** Labels whose content overflows its foreignObject, as "text (content w×h in box w×h)". */
  clipped: string[];
  /** The smallest effective font size on screen, in CSS px. */
  smallestFont: number;
  /** Text of the smallest label, to say which one it is. */
  smallestText: string;
  /** Each label's text (foreignObject content, or an SVG <text>), whitespace collapsed. */
  texts: string[];
  /** Nodes drawn (flowchart and state boxes; sequence actors are counted once each). */
  nodes: number;
  /** Whether the diagram is wider than its box (it then scrolls). */
  overflows: boolean;
}

/** Measures every drawn diagram on the open page. */
export async function measureDiagrams(page: Page): Promise<DiagramMeasure[]> {
  return page.evaluate(() => {
    // No named helper functions in here: tsx (esbuild keepNames) would wrap them in a __name() the page lacks.
    const space = /\s+/g;
    return [...document.querySelectorAll('.mermaid-diagram')].flatMap((box, i) => {
      // A diagram drawn at build time holds a light and a dark SVG: measure the one on screen.
      const svg = [...box.querySelectorAll('svg')].find((s) => s.parentElement?.closest('svg') === null && s.getClientRects().length > 0);
      if (!svg) return [];
      const clipped: string[] = [];
      let smallestFont = Infinity;
      let smallestText = '';
      const texts: string[] = [];
      const sized: { element: Element; scaleFrom: SVGGraphicsElement; text: string }[] = [];
      for (const object of svg.querySelectorAll('foreignObject')) {
        const content = object.firstElementChild as HTMLElement | null;
        const text = (object.textContent ?? '').replace(space, ' ').trim();
        if (!content || text === '') continue;
        texts.push(text);
        const width = object.width.baseVal.value;
        const height = object.height.baseVal.value;
        // Every element inside, measured in the label's own (unscaled) coordinates.
        const inner = [content, ...content.querySelectorAll<HTMLElement>('*')];
        const contentWidth = Math.max(...inner.map((e) => e.scrollWidth));
        const contentHeight = Math.max(...inner.map((e) => e.offsetTop + e.scrollHeight));
        if (contentWidth > width + 1 || contentHeight > height + 1) {
          clipped.push(`"${text}" (content ${Math.round(contentWidth)}×${Math.round(contentHeight)} in a ${Math.round(width)}×${Math.round(height)} box)`);
        }
        const leaf = inner.filter((e) => e.children.length === 0 && (e.textContent ?? '').trim() !== '');
        for (const e of leaf.length > 0 ? leaf : [content]) sized.push({ element: e, scaleFrom: object, text });
      }
      for (const element of svg.querySelectorAll('text')) {
        if (element.closest('foreignObject')) continue;
        const text = (element.textContent ?? '').replace(space, ' ').trim();
        if (text === '') continue;
        texts.push(text);
        sized.push({ element, scaleFrom: element, text });
      }
      for (const { element, scaleFrom, text } of sized) {
        const matrix = scaleFrom.getScreenCTM();
        if (!matrix) continue;
        const size = parseFloat(getComputedStyle(element).fontSize) * Math.hypot(matrix.a, matrix.b);
        if (size < smallestFont) {
          smallestFont = size;
          smallestText = text;
        }
      }
      const kind = svg.getAttribute('aria-roledescription') ?? 'unknown';
      const actors = new Set([...svg.querySelectorAll('[name]')].filter((e) => e.classList.contains('actor')).map((e) => e.getAttribute('name')));
      const nodes = kind === 'sequence' ? actors.size : svg.querySelectorAll('g.node').length;
      const scroller = box.querySelector('.mermaid-scroll') ?? box;
      return [
        {
          index: i + 1,
          name: (svg.querySelector('title')?.textContent ?? '').replace(space, ' ').trim() || texts.slice(0, 3).join(' / '),
          kind,
          clipped,
          smallestFont: Number.isFinite(smallestFont) ? Math.round(smallestFont * 10) / 10 : 0,
          smallestText,
          texts,
          nodes,
          overflows: scroller.scrollWidth > scroller.clientWidth + 1,
        },
      ];
    });
  });
}
