/**
 * `npm run diagrams [-- --all]`: draws the chapters' mermaid diagrams whose drawing is not cached
 * (an edited diagram has a new key) and writes them to the committed cache that the site's build
 * inlines (src/site/diagram-cache.ts). `--all` redraws every diagram (after a mermaid upgrade, a
 * change to the site's CSS that reaches diagram labels, or to be sure).
 *
 * It draws them the way a reader's page would: it builds the site with the missing diagrams left
 * to the page component, opens each page that has one in Debian's Chromium, light then dark, and
 * takes the SVG the component drew, with the widths it computed. Drawings no diagram uses any more
 * are deleted. Needs Chromium; building the site afterwards does not.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DRAW_IN_BROWSER_ENV } from '../docs/.vitepress/mermaid-fence.ts';
import { launchChromium } from '../src/site/chromium.ts';
import { diagramKey, readCachedDiagram, removeFiles, THEMES, unusedCacheFiles, writeCachedDrawing, type Drawing } from '../src/site/diagram-cache.ts';
import { DIAGRAM_THEMES } from '../src/site/diagram-layout.ts';
import { mermaidBlocks } from '../src/site/diagram-source.ts';
import { DIST_DIR, DOCS_DIR } from '../src/site/paths.ts';
import { settle } from '../src/site/site-audit.ts';
import { serveStatic } from '../src/site/static-server.ts';
import { displayPath, ROOT } from '../src/catalog/paths.ts';

/** Every Markdown page of the site with its diagrams' keys, as URL path → keys. */
function diagramPages(): Map<string, string[]> {
  const pages = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'public') walk(path);
      else if (entry.name.endsWith('.md')) {
        const keys = mermaidBlocks(readFileSync(path, 'utf8')).map(diagramKey);
        const url = `/${relative(DOCS_DIR, path).split(sep).join('/').replace(/(^|\/)index\.md$/, '$1').replace(/\.md$/, '')}`;
        if (keys.length > 0) pages.set(url, keys);
      }
    }
  };
  walk(DOCS_DIR);
  return pages;
}

async function main(): Promise<void> {
  const all = process.argv.includes('--all');
  const pages = diagramPages();
  const keys = new Set([...pages.values()].flat());
  const missing = new Set([...keys].filter((key) => all || !readCachedDiagram(key)));

  if (missing.size > 0) {
    console.log(`Drawing ${missing.size} of ${keys.size} diagrams: building the site with them left to the browser…`);
    const built = spawnSync('npx', ['vitepress', 'build', 'docs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, [DRAW_IN_BROWSER_ENV]: all ? '1' : '' } });
    if (built.status !== 0) throw new Error('the site did not build (`npm run docs:build` shows why)');
    const site = await serveStatic(DIST_DIR);
    const browser = await launchChromium();
    try {
      for (const theme of THEMES) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: theme });
        const page = await context.newPage();
        for (const [url, pageKeys] of pages) {
          if (!pageKeys.some((key) => missing.has(key))) continue;
          await page.goto(site.origin + url);
          const late = await settle(page);
          if (late) throw new Error(`${url}: ${late}`);
          const drawings = await page.$$eval('.mermaid-diagram[data-drawn="page"][data-diagram-key]', (figures) =>
            figures.map((figure) => ({
              key: figure.getAttribute('data-diagram-key') ?? '',
              theme: figure.getAttribute('data-theme') ?? '',
              state: figure.getAttribute('data-mermaid') ?? '',
              svg: figure.querySelector('.mermaid-scroll > svg')?.outerHTML ?? '',
              naturalWidth: parseFloat((figure as HTMLElement).style.getPropertyValue('--diagram-width')),
              minimumWidth: parseFloat((figure as HTMLElement).style.getPropertyValue('--diagram-min-width')),
            })),
          );
          for (const drawn of drawings) {
            if (!missing.has(drawn.key)) continue;
            if (drawn.state !== 'rendered' || drawn.svg === '') throw new Error(`${url}: diagram ${drawn.key} was not drawn (state: ${drawn.state}); the browser test of that page says why`);
            if (drawn.theme !== DIAGRAM_THEMES[theme]) throw new Error(`${url}: diagram ${drawn.key} was drawn in the ${drawn.theme} theme, not ${DIAGRAM_THEMES[theme]}`);
            if (!(drawn.naturalWidth > 0 && drawn.minimumWidth > 0)) throw new Error(`${url}: diagram ${drawn.key} has no measured width`);
            const drawing: Drawing = { svg: drawn.svg, naturalWidth: drawn.naturalWidth, minimumWidth: drawn.minimumWidth };
            writeCachedDrawing(drawn.key, theme, drawing);
          }
          console.log(`  ${theme.padEnd(5)} ${url}: ${drawings.filter((d) => missing.has(d.key)).length} drawn`);
        }
        await context.close();
      }
    } finally {
      await browser.close();
      await site.close();
    }
    const still = [...missing].filter((key) => !readCachedDiagram(key));
    if (still.length > 0) throw new Error(`${still.length} diagrams were not found on their pages: ${still.join(', ')}`);
  }

  const unused = unusedCacheFiles(keys);
  removeFiles(unused);
  for (const file of unused) console.log(`  removed ${displayPath(file)} (no diagram uses it)`);
  console.log(
    missing.size > 0
      ? `${missing.size} diagrams drawn; every one of the ${keys.size} is cached. \`npm run docs:build\` now puts them into the pages; commit docs/.vitepress/diagrams and docs/public/diagrams.`
      : `Every one of the ${keys.size} diagrams is cached already (\`npm run diagrams -- --all\` redraws them all).`,
  );
}

main().catch((error: unknown) => {
  console.error(`npm run diagrams: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
