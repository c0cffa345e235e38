/**
 * The drawings of the chapters' diagrams as documents of their own, `/diagrams/drawn/<key>.html`:
 * the drawn SVGs (light and dark) and the stylesheets they need, from the committed cache
 * (./diagram-cache.ts). A chapter page carries none of that markup — on a phone its bytes held up
 * the first paint — but a placeholder that names the document: the theme fetches it when the reader
 * comes near (docs/.vitepress/theme/diagram-controls.ts) and puts the SVGs in the page, and without
 * JavaScript the page shows the document in an <iframe> (docs/.vitepress/mermaid-fence.ts).
 *
 * `npm run docs:build` writes one per cached diagram (`writeDrawnDiagrams`, from the config's
 * buildEnd); the dev server (`npm start`) serves them from the cache (`drawnDiagramsPlugin`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vitepress';
import { diagramKeysInCache, drawingTitle, readCachedDiagram, THEMES } from './diagram-cache.ts';

/** Where the site serves the documents. */
export const DRAWN_DIAGRAMS_URL = '/diagrams/drawn/';

export const drawnDiagramUrl = (key: string): string => `${DRAWN_DIAGRAMS_URL}${key}.html`;

/** The document of one drawn diagram, or undefined when the cache does not hold it. */
export function drawnDiagramDocument(key: string): string | undefined {
  const cached = readCachedDiagram(key);
  if (!cached) return undefined;
  const title = drawingTitle(cached.svgs.light);
  return [
    '<!doctype html>',
    // No icon of its own: opened on its own, the browser would ask for a /favicon.ico the site does not have.
    '<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><link rel="icon" href="data:,">',
    `<title>${title}</title>`,
    ...cached.styles.map((url) => `<link rel="stylesheet" href="${url}">`),
    // Shown on its own (the <iframe> a page without JavaScript has), the light drawing fills the frame.
    '<style>html,body{margin:0;background:transparent}svg{display:block;width:100%;height:auto}.mermaid-variant-dark{display:none}</style>',
    '</head><body>',
    ...THEMES.map((theme) => cached.svgs[theme].trim()),
    '</body></html>',
    '',
  ].join('\n');
}

/** Writes every cached diagram's document under `outDir` (the built site). */
export function writeDrawnDiagrams(outDir: string): number {
  const dir = join(outDir, DRAWN_DIAGRAMS_URL);
  mkdirSync(dir, { recursive: true });
  let written = 0;
  for (const key of diagramKeysInCache()) {
    const document = drawnDiagramDocument(key);
    if (!document) continue;
    writeFileSync(join(dir, `${key}.html`), document);
    written++;
  }
  return written;
}

/** Dev server: serves the documents straight from the cache, so that a redrawn diagram shows at once. */
export function drawnDiagramsPlugin(): Plugin {
  return {
    name: 'workbook:drawn-diagrams',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use(DRAWN_DIAGRAMS_URL, (req, res, next) => {
        const key = /^\/([0-9a-f]{16})\.html$/.exec((req.url ?? '').split('?')[0] ?? '')?.[1];
        const document = key ? drawnDiagramDocument(key) : undefined;
        if (!document) return next();
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.setHeader('Cache-Control', 'no-cache');
        res.end(document);
      });
    },
  };
}
