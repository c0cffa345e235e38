/**
 * The drawings of the chapters' mermaid diagrams, made at build time and committed, so that a
 * reader's phone has nothing to draw (drawing in the page blocked its main thread for over a
 * second), and a reader without JavaScript sees them too. The site serves each as a document of
 * its own that pages fetch as the reader nears the diagram (./drawn-diagrams.ts). `npm run diagrams` (scripts/diagrams.ts) draws what is missing in
 * Chromium, with the same component and CSS a reader's page uses, and writes it here; building the
 * site needs no browser. A diagram whose drawing is missing is drawn in the page as before, and
 * docs/diagram-cache.test.ts fails, naming the command.
 *
 * - `docs/.vitepress/diagrams/<key>.<light|dark>.svg`: one drawing per diagram and appearance.
 *   The key is a hash of the source, the mermaid version and the layout: an edited diagram gets a
 *   new key, so a drawing can be missing but never stale.
 * - `docs/public/diagrams/<hash>.css`: mermaid's stylesheet for a kind of diagram in one theme.
 *   Mermaid puts it inside each SVG, scoped by the SVG's id; Vue drops <style> from templates, and
 *   most diagrams share one, so it becomes a file the page links, scoped by a class instead.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../catalog/paths.ts';
import { DIAGRAM_THEMES, MERMAID_LAYOUT, type DiagramTheme } from './diagram-layout.ts';
import { DOCS_DIR } from './paths.ts';

export const DIAGRAM_CACHE_DIR = join(DOCS_DIR, '.vitepress', 'diagrams');
export const DIAGRAM_STYLE_DIR = join(DOCS_DIR, 'public', 'diagrams');
/** Where the site serves DIAGRAM_STYLE_DIR. */
export const DIAGRAM_STYLE_URL = '/diagrams/';
export const REFRESH_DIAGRAMS = 'npm run diagrams';
export const THEMES = Object.keys(DIAGRAM_THEMES) as DiagramTheme[];

/** Bump when cacheDrawing's output changes: every key changes with it. */
const CACHE_FORMAT = 2;

let mermaidVersion: string | undefined;
function readMermaidVersion(): string {
  mermaidVersion ??= (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'mermaid', 'package.json'), 'utf8')) as { version: string }).version;
  return mermaidVersion;
}

/** The cache key of a diagram: what its drawing depends on. */
export function diagramKey(source: string): string {
  const inputs = JSON.stringify({ format: CACHE_FORMAT, mermaid: readMermaidVersion(), layout: MERMAID_LAYOUT, themes: DIAGRAM_THEMES, source });
  return createHash('sha256').update(inputs).digest('hex').slice(0, 16);
}

export const cachedSvgFile = (key: string, theme: DiagramTheme): string => join(DIAGRAM_CACHE_DIR, `${key}.${theme}.svg`);
const styleFile = (name: string): string => join(DIAGRAM_STYLE_DIR, `${name}.css`);

/** The class a cached SVG is styled by, which is also its stylesheet's name. */
export function styleNameOf(svg: string): string | undefined {
  return /\bmermaid-style-([0-9a-f]{12})\b/.exec(svg)?.[1];
}

export interface CachedDiagram {
  svgs: Record<DiagramTheme, string>;
  /** The stylesheets the drawings need, as site URLs. */
  styles: string[];
}

/** The cached drawings of a diagram, when every appearance and its stylesheet are there. */
export function readCachedDiagram(key: string): CachedDiagram | undefined {
  const svgs: Partial<Record<DiagramTheme, string>> = {};
  const styles: string[] = [];
  for (const theme of THEMES) {
    const file = cachedSvgFile(key, theme);
    if (!existsSync(file)) return undefined;
    const svg = readFileSync(file, 'utf8');
    const style = styleNameOf(svg);
    if (!style || !existsSync(styleFile(style))) return undefined;
    svgs[theme] = svg;
    styles.push(`${DIAGRAM_STYLE_URL}${style}.css`);
  }
  return { svgs: svgs as Record<DiagramTheme, string>, styles };
}

/** The keys of the diagrams the cache holds a drawing of. */
export function diagramKeysInCache(): string[] {
  if (!existsSync(DIAGRAM_CACHE_DIR)) return [];
  return readdirSync(DIAGRAM_CACHE_DIR)
    .map((file) => /^([0-9a-f]{16})\.light\.svg$/.exec(file)?.[1])
    .filter((key): key is string => key !== undefined);
}

/** A diagram as the page component drew it, taken from the page by scripts/diagrams.ts. */
export interface Drawing {
  /** The SVG's outerHTML, as mermaid left it (with its own <style> and ids). */
  svg: string;
  /** The width the SVG was drawn at (its viewBox), and the narrowest at which its text stays 12 px. */
  naturalWidth: number;
  minimumWidth: number;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A drawing in its cached form: ids made unique to this diagram and appearance (both appearances
 * are on the page at once), the <style> moved out into a shared stylesheet scoped by a class,
 * and the widths the component computed kept on the SVG (data-width, data-min-width), which the
 * fence turns into the CSS variables the component would set: the static page sizes it the same
 * way before (and without) JavaScript.
 */
export function cacheDrawing(key: string, theme: DiagramTheme, drawing: Drawing): { svg: string; style: { name: string; css: string } } {
  const drawnId = /^<svg\b[^>]*?\sid="([^"]+)"/.exec(drawing.svg)?.[1];
  if (!drawnId) throw new Error(`the drawing of diagram ${key} has no id on its <svg>`);
  const id = `mermaid-${key}-${theme}`;
  // mermaid-diagram-1 also prefixes marker ids (mermaid-diagram-1_flowchart-v2-pointEnd), but must not match mermaid-diagram-12.
  let svg = drawing.svg.replace(new RegExp(`${escapeRegExp(drawnId)}(?!\\d)`, 'g'), id);
  const styles = [...svg.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)];
  const ownCss = styles.map((m) => m[1] ?? '').join('\n');
  svg = svg.replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '');
  const SCOPE = '\u0000scope\u0000';
  const PREFIX = '\u0000prefix\u0000';
  // The id scopes every rule; it also prefixes ids the rules point at (url(#…-gradient), for
  // mermaid's "neo" look, which the site does not use): both must go for diagrams to share a sheet.
  const scoped = ownCss.replace(new RegExp(`#${escapeRegExp(id)}(?![\\w-])`, 'g'), SCOPE).split(id).join(PREFIX);
  const name = createHash('sha256').update(scoped).digest('hex').slice(0, 12);
  // :is() with an id in it keeps the id's specificity that mermaid's rules were written with.
  const css = `${scoped.split(SCOPE).join(`:is(#mermaid-style-${name},.mermaid-style-${name})`).split(PREFIX).join(`mermaid-style-${name}`)}\n`;
  const classes = `mermaid-variant mermaid-variant-${theme} mermaid-style-${name}`;
  const sizes = `data-width="${Math.ceil(drawing.naturalWidth)}" data-min-width="${Math.ceil(drawing.minimumWidth)}"`;
  svg = svg.replace(/^<svg\b[^>]*>/, (tag) => {
    const classed = /\sclass="/.test(tag) ? tag.replace(/\sclass="([^"]*)"/, (_m, c: string) => ` class="${c} ${classes}"`) : tag.replace(/^<svg\b/, `<svg class="${classes}"`);
    return classed.replace(/^<svg\b/, `<svg ${sizes}`);
  });
  return { svg: `${staticHtml(svg)}\n`, style: { name, css } };
}

/**
 * Leaves out what would stop Vue from keeping the SVG as one static string (which VitePress then
 * leaves out of the JavaScript that hydrates the page): attributes its compiler does not know for
 * the element's namespace. Both are redundant in an HTML page: the labels' xmlns (the HTML parser
 * puts a foreignObject's content in the XHTML namespace anyway), and the root's role (an <svg> is a
 * graphics-document to assistive technology without it; its aria-labelledby/-describedby stay).
 */
export function staticHtml(svg: string): string {
  return svg
    .replace(/\sxmlns="http:\/\/www\.w3\.org\/1999\/xhtml"/g, '')
    .replace(/^<svg\b[^>]*>/, (tag) => tag.replace(/\s(role|style)="[^"]*"/g, ''));
}

/** A cached SVG's accessible title (mermaid's accTitle), as markup text; 'Diagram' when it has none. */
export function drawingTitle(svg: string): string {
  return /<title\b[^>]*>([^<]*)<\/title>/.exec(svg)?.[1] ?? 'Diagram';
}

/** The widths a cached SVG was drawn at and may shrink to (cacheDrawing), in CSS px. */
export function drawnWidths(svg: string): { width: number; minWidth: number } {
  const root = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  return { width: Number(/\sdata-width="(\d+)"/.exec(root)?.[1] ?? 0), minWidth: Number(/\sdata-min-width="(\d+)"/.exec(root)?.[1] ?? 0) };
}

/** Writes a cached drawing and its stylesheet. */
export function writeCachedDrawing(key: string, theme: DiagramTheme, drawing: Drawing): void {
  const { svg, style } = cacheDrawing(key, theme, drawing);
  mkdirSync(DIAGRAM_CACHE_DIR, { recursive: true });
  mkdirSync(DIAGRAM_STYLE_DIR, { recursive: true });
  writeFileSync(cachedSvgFile(key, theme), svg);
  writeFileSync(styleFile(style.name), style.css);
}

/** What the cache holds beyond the given keys: drawings of diagrams that no longer exist, and stylesheets no drawing uses. */
export function unusedCacheFiles(keys: Iterable<string>): string[] {
  const wanted = new Set([...keys].flatMap((key) => THEMES.map((theme) => `${key}.${theme}.svg`)));
  const drawings = existsSync(DIAGRAM_CACHE_DIR) ? readdirSync(DIAGRAM_CACHE_DIR).filter((f) => f.endsWith('.svg')) : [];
  const usedStyles = new Set(drawings.filter((f) => wanted.has(f)).map((f) => styleNameOf(readFileSync(join(DIAGRAM_CACHE_DIR, f), 'utf8'))));
  const sheets = existsSync(DIAGRAM_STYLE_DIR) ? readdirSync(DIAGRAM_STYLE_DIR).filter((f) => f.endsWith('.css')) : [];
  return [
    ...drawings.filter((f) => !wanted.has(f)).map((f) => join(DIAGRAM_CACHE_DIR, f)),
    ...sheets.filter((f) => !usedStyles.has(f.replace(/\.css$/, ''))).map((f) => join(DIAGRAM_STYLE_DIR, f)),
  ];
}

export function removeFiles(files: string[]): void {
  for (const file of files) rmSync(file, { force: true });
}
