/**
 * ```mermaid fences. A diagram that `npm run diagrams` has drawn (src/site/diagram-cache.ts) becomes
 * static HTML: a figure with its light and dark SVGs (CSS shows the current one) and a link to the
 * stylesheet they need. The page then arrives drawn, also without JavaScript; Vue keeps the figure
 * as one static string, which VitePress leaves out of the JavaScript that hydrates the first page,
 * and ./theme/diagram-controls.ts gives it its behaviour (full-size view, keyboard scrolling).
 * A diagram not drawn yet becomes <MermaidDiagram>, which draws it in the browser; its source
 * travels URI-encoded in an attribute so Vue and Markdown leave it untouched.
 */
import type { MarkdownRenderer } from 'vitepress';
import { diagramKey, drawnWidths, readCachedDiagram, THEMES } from '../../src/site/diagram-cache.ts';
import { DIAGRAM_THEMES } from '../../src/site/diagram-layout.ts';

export const MERMAID_TAG = 'MermaidDiagram';
/** Set to 1 to ignore the cache, so that every diagram is drawn in the browser (scripts/diagrams.ts --all). */
export const DRAW_IN_BROWSER_ENV = 'WORKBOOK_DRAW_DIAGRAMS';

/** The text column of a chapter on a desktop screen (VitePress's .vp-doc at 1280 px). */
const COLUMN_PX = 688;

/**
 * About how tall a drawing stands on the page: its drawn width shrunk to the column, at its own
 * aspect ratio. The CSS reserves this much for a diagram the browser has not laid out yet.
 */
function estimatedHeight(svg: string): number {
  const { width, minWidth } = drawnWidths(svg);
  const [, , boxWidth = 0, boxHeight = 0] = (/\sviewBox="([^"]+)"/.exec(/^<svg\b[^>]*>/.exec(svg)?.[0] ?? '')?.[1] ?? '').split(/\s+/).map(Number);
  if (!boxWidth || !boxHeight) return 300;
  const shown = Math.max(minWidth, Math.min(width || boxWidth, COLUMN_PX));
  return Math.round((boxHeight * shown) / boxWidth);
}

export function mermaidFence(md: MarkdownRenderer): void {
  const fence = md.renderer.rules.fence;
  if (!fence) throw new Error('VitePress has no fence renderer to wrap: the mermaid plugin needs updating.');
  const useCache = process.env[DRAW_IN_BROWSER_ENV] !== '1';
  md.renderer.rules.fence = (tokens, idx, options, env: { mermaidStyles?: Set<string> }, self) => {
    const token = tokens[idx];
    if (!token || token.info.trim().split(/\s+/)[0] !== 'mermaid') return fence(tokens, idx, options, env, self);
    const key = diagramKey(token.content);
    const cached = useCache ? readCachedDiagram(key) : undefined;
    if (!cached) return `<${MERMAID_TAG} code="${encodeURIComponent(token.content)}" diagram-key="${key}" />\n`;
    // One link per stylesheet and page (env is the page's).
    env.mermaidStyles ??= new Set();
    const links = cached.styles.filter((url) => !env.mermaidStyles?.has(url));
    for (const url of links) env.mermaidStyles.add(url);
    // A label's {{ }} is text, not a Vue interpolation.
    const svgs = THEMES.map((theme) => cached.svgs[theme].trim().replace(/\{\{/g, '&#123;&#123;'));
    const inside = [...links.map((url) => `<link rel="stylesheet" href="${url}">`), ...svgs].join('');
    // The widths the SVGs are sized by (custom.css), as the page component sets them.
    const widths = THEMES.map((theme) => drawnWidths(cached.svgs[theme]));
    const style = `--diagram-width:${Math.max(...widths.map((w) => w.width))}px;--diagram-min-width:${Math.max(...widths.map((w) => w.minWidth))}px;--diagram-height:${Math.max(...THEMES.map((theme) => estimatedHeight(cached.svgs[theme])))}px`;
    const attributes = `class="mermaid-diagram" data-mermaid="rendered" data-drawn="build" data-theme="${DIAGRAM_THEMES.light}" data-diagram-key="${key}" style="${style}"`;
    return `<figure ${attributes}><div class="mermaid-scroll">${inside}</div></figure>\n`;
  };
}
