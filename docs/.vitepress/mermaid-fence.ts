/**
 * ```mermaid fences. A diagram that `npm run diagrams` has drawn (src/site/diagram-cache.ts) becomes
 * static HTML: a figure with its light and dark SVGs (CSS shows the current one) and a link to the
 * stylesheet they need. Vue keeps the figure as one static string, which VitePress leaves out of the
 * JavaScript that hydrates the first page, and ./theme/diagram-controls.ts gives it its behaviour.
 *
 * The SVGs travel inside <noscript>: with JavaScript on, the browser keeps that as one string, not
 * as thousands of elements to parse, style and lay out before the first paint (on a phone this was
 * most of a chapter's loading work: Lighthouse measured 0.8 s of style and layout at CPU × 4).
 * diagram-controls.ts puts a drawing in the page when the reader comes near it (and all of them
 * before printing); until then a placeholder of the drawing's size keeps its room. Without
 * JavaScript the browser shows the <noscript> content itself: the diagrams, drawn.
 *
 * A diagram not drawn yet becomes <MermaidDiagram>, which draws it in the browser; its source
 * travels URI-encoded in an attribute so Vue and Markdown leave it untouched.
 */
import type { MarkdownRenderer } from 'vitepress';
import { diagramKey, drawnWidths, readCachedDiagram, THEMES } from '../../src/site/diagram-cache.ts';
import { DIAGRAM_THEMES } from '../../src/site/diagram-layout.ts';

export const MERMAID_TAG = 'MermaidDiagram';
/** Set to 1 to ignore the cache, so that every diagram is drawn in the browser (scripts/diagrams.ts --all). */
export const DRAW_IN_BROWSER_ENV = 'WORKBOOK_DRAW_DIAGRAMS';

/** `width / height` of a drawing's viewBox: the placeholder keeps the drawing's room at any width. */
function aspectRatio(svg: string): string {
  const [, , width = 0, height = 0] = (/\sviewBox="([^"]+)"/.exec(/^<svg\b[^>]*>/.exec(svg)?.[0] ?? '')?.[1] ?? '').split(/\s+/).map(Number);
  return width > 0 && height > 0 ? `${width.toFixed(1)} / ${height.toFixed(1)}` : '2 / 1';
}

export function mermaidFence(md: MarkdownRenderer): void {
  const fence = md.renderer.rules.fence;
  if (!fence) throw new Error('VitePress has no fence renderer to wrap: the mermaid plugin needs updating.');
  const useCache = process.env[DRAW_IN_BROWSER_ENV] !== '1';
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (!token || token.info.trim().split(/\s+/)[0] !== 'mermaid') return fence(tokens, idx, options, env, self);
    const key = diagramKey(token.content);
    const cached = useCache ? readCachedDiagram(key) : undefined;
    if (!cached) return `<${MERMAID_TAG} code="${encodeURIComponent(token.content)}" diagram-key="${key}" />\n`;
    // A label's {{ }} is text, not a Vue interpolation.
    const svgs = THEMES.map((theme) => cached.svgs[theme].trim().replace(/\{\{/g, '&#123;&#123;'));
    // Each drawing brings the stylesheets it needs, inside its <noscript>: a stylesheet in the page
    // would hold up the first paint for a drawing the reader may never scroll to; the browser
    // fetches a stylesheet once however many drawings name it.
    const links = cached.styles.map((url) => `<link rel="stylesheet" href="${url}">`);
    const inside = `<noscript>${[...links, ...svgs].join('')}</noscript><span class="mermaid-placeholder"></span>`;
    // The widths the SVGs are sized by (custom.css), as the page component sets them.
    const widths = THEMES.map((theme) => drawnWidths(cached.svgs[theme]));
    const style = `--diagram-width:${Math.max(...widths.map((w) => w.width))}px;--diagram-min-width:${Math.max(...widths.map((w) => w.minWidth))}px;--diagram-ratio:${aspectRatio(cached.svgs.light)}`;
    const attributes = `class="mermaid-diagram" data-mermaid="deferred" data-drawn="build" data-theme="${DIAGRAM_THEMES.light}" data-diagram-key="${key}" style="${style}"`;
    return `<figure ${attributes}><div class="mermaid-scroll">${inside}</div></figure>\n`;
  };
}
