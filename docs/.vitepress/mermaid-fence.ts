/**
 * ```mermaid fences. A diagram that `npm run diagrams` has drawn (src/site/diagram-cache.ts) becomes
 * a figure that names its drawing's own document (src/site/drawn-diagrams.ts) and keeps its room
 * with a placeholder of the drawing's aspect ratio and widths. The SVGs are not in the chapter:
 * on a phone their bytes (half of a chapter's HTML) held up the first paint, and thousands of SVG
 * elements cost style and layout before it. ./theme/diagram-controls.ts fetches a drawing when the
 * reader comes within a screen of it (all of them before printing) and puts its SVGs in the page;
 * without JavaScript, a <noscript> shows the drawing's document in an <iframe>. Vue keeps the
 * figure as one static string, which VitePress leaves out of the JavaScript that hydrates the page.
 *
 * A diagram not drawn yet becomes <MermaidDiagram>, which draws it in the browser; its source
 * travels URI-encoded in an attribute so Vue and Markdown leave it untouched.
 */
import type { MarkdownRenderer } from 'vitepress';
import { diagramKey, drawingTitle, drawnWidths, readCachedDiagram, THEMES } from '../../src/site/diagram-cache.ts';
import { DIAGRAM_THEMES } from '../../src/site/diagram-layout.ts';
import { drawnDiagramUrl } from '../../src/site/drawn-diagrams.ts';

export const MERMAID_TAG = 'MermaidDiagram';
/** Set to 1 to ignore the cache, so that every diagram is drawn in the browser (scripts/diagrams.ts --all). */
export const DRAW_IN_BROWSER_ENV = 'WORKBOOK_DRAW_DIAGRAMS';

/** `width / height` of a drawing's viewBox: the placeholder keeps the drawing's room at any width. */
function aspectRatio(svg: string): string {
  const [, , width = 0, height = 0] = (/\sviewBox="([^"]+)"/.exec(/^<svg\b[^>]*>/.exec(svg)?.[0] ?? '')?.[1] ?? '').split(/\s+/).map(Number);
  return width > 0 && height > 0 ? `${width.toFixed(1)} / ${height.toFixed(1)}` : '2 / 1';
}

/** A diagram's title is mermaid's text: as an attribute it must not end the attribute. */
function escapeHtml(text: string): string {
  return text.replace(/&(?!#?\w+;)/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
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
    const title = escapeHtml(drawingTitle(cached.svgs.light));
    const url = drawnDiagramUrl(key);
    const inside = `<noscript><iframe class="mermaid-frame" src="${url}" title="${title}" loading="lazy"></iframe></noscript><span class="mermaid-placeholder"></span>`;
    // The widths the SVGs are sized by (custom.css), as the page component sets them.
    const widths = THEMES.map((theme) => drawnWidths(cached.svgs[theme]));
    const style = `--diagram-width:${Math.max(...widths.map((w) => w.width))}px;--diagram-min-width:${Math.max(...widths.map((w) => w.minWidth))}px;--diagram-ratio:${aspectRatio(cached.svgs.light)}`;
    const attributes = `class="mermaid-diagram" data-mermaid="deferred" data-drawn="build" data-theme="${DIAGRAM_THEMES.light}" data-diagram-key="${key}" data-drawing="${url}" style="${style}"`;
    return `<figure ${attributes}><div class="mermaid-scroll">${inside}</div></figure>\n`;
  };
}
