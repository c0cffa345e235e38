/**
 * The committed drawings of the chapters' diagrams (src/site/diagram-cache.ts): every diagram has
 * one in both appearances, nothing else is there, and the fence inlines them as static HTML the
 * Vue compiler keeps whole. No browser needed; `npm run diagrams` draws what is missing.
 */
import { readFileSync } from 'node:fs';
import { createMarkdownRenderer } from 'vitepress';
import { compileTemplate } from 'vue/compiler-sfc';
import { describe, expect, test } from 'vitest';
import { CHAPTERS } from '../src/catalog/chapters.ts';
import { displayPath } from '../src/catalog/paths.ts';
import { cacheDrawing, diagramKey, readCachedDiagram, REFRESH_DIAGRAMS, unusedCacheFiles } from '../src/site/diagram-cache.ts';
import { mermaidBlocks } from '../src/site/diagram-source.ts';
import { drawnDiagramDocument } from '../src/site/drawn-diagrams.ts';
import { chapterFile, DOCS_DIR } from '../src/site/paths.ts';
import { mermaidFence } from './.vitepress/mermaid-fence.ts';

const diagrams = CHAPTERS.flatMap((c) => mermaidBlocks(readFileSync(chapterFile(c.id), 'utf8')).map((source, i) => ({ where: `${c.id} #${i + 1}`, source, key: diagramKey(source) })));

describe('the drawings of the diagrams, made at build time', () => {
  test('every diagram is drawn, light and dark, with its stylesheet', () => {
    const missing = diagrams.filter((d) => readCachedDiagram(d.key) === undefined).map((d) => `${d.where} (${d.key})`);
    expect(missing, `diagrams whose drawing is missing or out of date: run \`${REFRESH_DIAGRAMS}\` and commit what it writes`).toEqual([]);
  });

  test('the cache holds nothing no diagram uses', () => {
    const unused = unusedCacheFiles(diagrams.map((d) => d.key)).map(displayPath);
    expect(unused, `drawings of diagrams that no longer exist: \`${REFRESH_DIAGRAMS}\` removes them`).toEqual([]);
  });

  test('a drawn diagram becomes static HTML in its page: a placeholder naming its drawing\'s document (both SVGs, its stylesheets), nothing Vue drops or binds', async () => {
    const diagram = diagrams.find((d) => readCachedDiagram(d.key));
    if (!diagram) throw new Error(`no diagram is drawn: run \`${REFRESH_DIAGRAMS}\``);
    const md = await createMarkdownRenderer(DOCS_DIR, { config: mermaidFence });
    const html = md.render(`\`\`\`mermaid\n${diagram.source}\`\`\`\n`, {});
    expect(html).toContain(`data-diagram-key="${diagram.key}"`);
    // The drawing is fetched when the reader comes near (theme/diagram-controls.ts); without JavaScript an iframe shows it.
    expect(html).toContain(`data-drawing="/diagrams/drawn/${diagram.key}.html"`);
    expect(html).toContain(`<noscript><iframe class="mermaid-frame" src="/diagrams/drawn/${diagram.key}.html"`);
    expect(html).toContain('<span class="mermaid-placeholder"></span>');
    expect(html).toContain('data-mermaid="deferred"');
    expect(html, 'no SVG markup in the page itself').not.toContain('<svg');
    expect(html).not.toContain('<style');
    const document = drawnDiagramDocument(diagram.key) ?? '';
    expect(document).toMatch(/<link rel="stylesheet" href="\/diagrams\/[0-9a-f]{12}\.css">/);
    expect(document.match(/<svg [^>]*class="[^"]*mermaid-variant-(light|dark)/g)?.length, 'its document has both drawings').toBe(2);
    expect(html).not.toContain('<MermaidDiagram');
    // As VitePress compiles a page: its HTML inside one root element, among a chapter's paragraphs.
    const prose = '<p>A paragraph of the chapter.</p>'.repeat(20);
    const compiled = compileTemplate({ source: `<div>${prose}${html}${prose}</div>`, filename: 'chapter.md', id: 'diagram' });
    expect(compiled.errors).toEqual([]);
    expect(compiled.tips).toEqual([]);
    // Part of one static string (which VitePress strips from the hydrating JavaScript), not a tree of
    // vnodes: Vue never hydrates the <noscript>, whose content the browser keeps as text.
    expect(compiled.code).toMatch(/_createStaticVNode\("[^"]*?<figure class=\\"mermaid-diagram\\"/);
    expect(compiled.code).not.toMatch(/_createElementVNode\("(figure|noscript|iframe)"/);
  });

  test('a drawing gets ids of its own, loses its <style> to a shared sheet scoped by a class, and carries its widths', () => {
    const drawn = (id: string): string =>
      `<svg id="${id}" width="100%" style="max-width: 300px;" viewBox="0 0 300 100"><style>#${id}{fill:#333;}#${id} .node rect{stroke:url(#${id}-gradient);}</style><defs><marker id="${id}_pointEnd"></marker></defs><path marker-end="url(#${id}_pointEnd)"></path></svg>`;
    const one = cacheDrawing('aaaa', 'light', { svg: drawn('mermaid-diagram-1'), naturalWidth: 300, minimumWidth: 250 });
    const other = cacheDrawing('bbbb', 'light', { svg: drawn('mermaid-diagram-12'), naturalWidth: 300, minimumWidth: 250 });
    expect(one.svg).toContain('id="mermaid-aaaa-light"');
    expect(one.svg).toContain('marker-end="url(#mermaid-aaaa-light_pointEnd)"');
    expect(one.svg).not.toMatch(/<style|mermaid-diagram-1/);
    expect(one.svg).toContain(`class="mermaid-variant mermaid-variant-light mermaid-style-${one.style.name}"`);
    expect(one.svg).toMatch(/^<svg data-width="300" data-min-width="250" [^>]*\bid="mermaid-aaaa-light"/);
    expect(one.svg, 'no style or role on the root: Vue would not keep it static').not.toMatch(/^<svg[^>]*\s(style|role)=/);
    expect(other.svg).not.toContain('mermaid-diagram-1');
    expect(other.style, 'two diagrams of one kind share a stylesheet').toEqual(one.style);
    expect(one.style.css).toBe(
      `:is(#mermaid-style-${one.style.name},.mermaid-style-${one.style.name}){fill:#333;}:is(#mermaid-style-${one.style.name},.mermaid-style-${one.style.name}) .node rect{stroke:url(#mermaid-style-${one.style.name}-gradient);}\n`,
    );
  });
});
