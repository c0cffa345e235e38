/**
 * Every mermaid diagram of every chapter as a reader sees it, in Chromium at 1280 px and 390 px:
 * - no label clipped by the box Mermaid drew for it;
 * - nothing drawn that the source does not say, and no label lost (a `;` ends a Mermaid statement
 *   even inside a transition label, and its words become stray boxes while the source still parses);
 * - the smallest text at least 12 px on screen (CSS font size × the scale the SVG is drawn at);
 * - a diagram wider than its box scrolls from the keyboard, and a shrunk one offers a full-size view;
 * - diagrams that still need sideways scrolling at 1280 px are named in diagrams-wide.json, a list
 *   that may only shrink;
 * - every diagram arrives drawn (at build time, `npm run diagrams`), none is drawn in the page; it
 *   is there without JavaScript, and after the router navigates to a chapter.
 *
 * Needs the built site: `npm run docs:build && npx vitest run --project browser diagrams`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHAPTERS } from '../src/catalog/chapters.ts';
import { launchChromium } from '../src/site/chromium.ts';
import { measureDiagrams, type DiagramMeasure } from '../src/site/diagram-audit.ts';
import { mermaidBlocks, readDiagramSource, sourceMismatches } from '../src/site/diagram-source.ts';
import { chapterFile, DIST_DIR } from '../src/site/paths.ts';
import { settle, stylesLoaded } from '../src/site/site-audit.ts';
import { serveStatic, type StaticSite } from '../src/site/static-server.ts';

const SMALLEST_TEXT_PX = 12;
const WIDTHS = [1280, 390] as const;
/** Diagrams that still scroll sideways at 1280 px, as "chapter #n: accTitle". May only shrink. */
const WIDE_LIST = join(import.meta.dirname, 'diagrams-wide.json');
const stillWide: string[] = JSON.parse(readFileSync(WIDE_LIST, 'utf8')) as string[];
const built = existsSync(join(DIST_DIR, 'index.html'));

let site: StaticSite | undefined;
let browser: Browser | undefined;
const measured = new Map<string, DiagramMeasure[]>();

beforeAll(async () => {
  if (!built) throw new Error(`The built site is missing (${DIST_DIR}): run \`npm run docs:build\` first (npm test does).`);
  site = await serveStatic(DIST_DIR);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function openChapter(width: number, chapter: string, use: (page: Page) => Promise<void>): Promise<void> {
  if (!browser || !site) throw new Error('Chromium or the static server did not start (see the error above).');
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: 'light' });
  try {
    const page = await context.newPage();
    await page.goto(`${site.origin}/chapters/${chapter}`);
    expect(await settle(page)).toBeUndefined();
    await use(page);
  } finally {
    await context.close();
  }
}

const label = (chapter: string, d: DiagramMeasure): string => `${chapter} #${d.index}: ${d.name}`;

describe('diagrams as a reader sees them', () => {
  // One page load per chapter: measured at 1280 px, then the same page narrowed to a phone.
  test.each(CHAPTERS.map((c) => c.id))('%s: labels fit, nothing stray, text at least 12 px, scrolls from the keyboard (1280 and 390 px)', async (chapter) => {
    const sources = mermaidBlocks(readFileSync(chapterFile(chapter), 'utf8')).map(readDiagramSource);
    await openChapter(WIDTHS[0], chapter, async (page) => {
      for (const width of WIDTHS) {
        if (width !== WIDTHS[0]) {
          await page.setViewportSize({ width, height: 900 });
          // The component re-measures on resize; two frames let the layout and its observer settle.
          await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
        }
        const at = `at ${width} px`;
        const diagrams = await measureDiagrams(page);
        measured.set(`${width}/${chapter}`, diagrams);
        expect(diagrams.length, `every \`\`\`mermaid block is drawn (${at})`).toBe(sources.length);
        const drawnInPage = await page.$$eval('.mermaid-diagram:not([data-drawn="build"])', (boxes) => boxes.length);
        expect(drawnInPage, 'diagrams drawn in the page instead of at build time: run `npm run diagrams` and commit its drawings').toBe(0);

        const clipped = diagrams.flatMap((d) => d.clipped.map((c) => `${label(chapter, d)}: ${c}`));
        expect(clipped, `labels clipped by their box ${at}`).toEqual([]);

        const stray = diagrams.flatMap((d, i) => {
          const source = sources[i];
          return source ? sourceMismatches(source, d).map((p) => `${label(chapter, d)}: ${p}`) : [];
        });
        expect(stray, `what the drawing shows against what the source says (${at})`).toEqual([]);

        const small = diagrams.filter((d) => d.smallestFont < SMALLEST_TEXT_PX).map((d) => `${label(chapter, d)}: ${d.smallestFont} px ("${d.smallestText}")`);
        expect(small, `diagram text below ${SMALLEST_TEXT_PX} px on screen ${at}`).toEqual([]);

        const scrollers = await page.$$eval('.mermaid-diagram', (boxes) =>
          boxes.map((box) => {
            const scroller = box.querySelector('.mermaid-scroll');
            return {
              scrolls: scroller !== null && scroller.scrollWidth > scroller.clientWidth + 1,
              keyboard: scroller?.getAttribute('tabindex') === '0' && scroller.getAttribute('role') === 'region' && (scroller.getAttribute('aria-label') ?? '') !== '',
              fullSize: box.querySelector('button.mermaid-full-toggle') !== null,
            };
          }),
        );
        const unreachable = scrollers.flatMap((s, i) => (s.scrolls && !(s.keyboard && s.fullSize) ? [`${chapter} #${i + 1}`] : []));
        expect(unreachable, `diagrams that scroll ${at} need tabindex, role, aria-label and a full-size button`).toEqual([]);
      }
    });
  });
});

describe('diagrams', () => {
  test('every diagram has a text alternative (accTitle and accDescr)', () => {
    const missing = CHAPTERS.flatMap((c) =>
      mermaidBlocks(readFileSync(chapterFile(c.id), 'utf8'))
        .map(readDiagramSource)
        .flatMap((s, i) => (s.title && s.description ? [] : [`${c.id} #${i + 1}`])),
    );
    expect(missing).toEqual([]);
  });

  test('the list of diagrams that scroll at 1280 px is exact: fixing one means taking it off the list', () => {
    const wide = CHAPTERS.flatMap((c) => (measured.get(`1280/${c.id}`) ?? []).filter((d) => d.overflows).map((d) => label(c.id, d)));
    expect(measured.size, 'the chapters were measured (see their own tests)').toBe(CHAPTERS.length * WIDTHS.length);
    expect(wide.filter((w) => !stillWide.includes(w)), `diagrams that newly scroll at 1280 px: redraw them narrower (${WIDE_LIST})`).toEqual([]);
    expect(stillWide.filter((w) => !wide.includes(w)), `diagrams that no longer scroll: take them off ${WIDE_LIST}`).toEqual([]);
  });

  test('the full-size view shows a shrunk diagram at its drawn size, and Escape closes it', async () => {
    await openChapter(390, 'kafka', async (page) => {
      const box = page.locator('.mermaid-diagram').filter({ has: page.locator('button.mermaid-full-toggle') }).first();
      const button = box.locator('button.mermaid-full-toggle');
      await button.click();
      await page.waitForFunction(() => document.querySelector('.mermaid-diagram.is-full') !== null, undefined, { timeout: 5_000 });
      const sizes = await box.evaluate((element) => {
        const svg = element.querySelector('svg');
        return { drawn: svg?.getBoundingClientRect().width ?? 0, natural: svg?.viewBox.baseVal.width ?? -1 };
      });
      expect(sizes.drawn).toBeGreaterThanOrEqual(sizes.natural - 1);
      expect(await button.getAttribute('aria-pressed')).toBe('true');
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => document.querySelector('.mermaid-diagram.is-full') === null, undefined, { timeout: 5_000 });
    });
  });

  test('after client-side navigation a chapter shows its drawings, with their controls, and only its own', async () => {
    await openChapter(390, 'fundamentals', async (page) => {
      // VitePress's router, as a click on a sidebar link uses it: no page load.
      await page.evaluate(() => {
        (window as unknown as { samePage: boolean }).samePage = true;
        // Gone once the router has put the next chapter's content in place.
        for (const figure of document.querySelectorAll('figure.mermaid-diagram')) figure.setAttribute('data-previous-page', '');
        const link = document.createElement('a');
        link.href = '/chapters/kafka';
        document.querySelector('.vp-doc')?.append(link);
        link.click();
      });
      await page.waitForURL(/\/chapters\/kafka$/, { timeout: 10_000 });
      await page.waitForFunction(() => document.querySelector('[data-previous-page]') === null, undefined, { timeout: 10_000 });
      expect(await settle(page)).toBeUndefined();
      const expected = mermaidBlocks(readFileSync(chapterFile('kafka'), 'utf8')).length;
      await page.waitForFunction((n) => document.querySelectorAll('.mermaid-diagram[data-drawn="build"] .mermaid-scroll > svg.mermaid-variant-light').length === n, expected, { timeout: 10_000 });
      expect(await stylesLoaded(page), 'the new chapter\'s diagram stylesheets').toBeUndefined();
      expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage), 'the router navigated, the page did not reload').toBe(true);
      const diagrams = await measureDiagrams(page);
      expect(diagrams.length, 'the previous chapter\'s diagrams are gone').toBe(expected);
      expect(diagrams.map((d) => d.clipped).flat()).toEqual([]);
      expect(diagrams.filter((d) => d.smallestFont < SMALLEST_TEXT_PX).map((d) => d.name)).toEqual([]);
      expect(await page.locator('.mermaid-diagram button.mermaid-full-toggle').count(), 'a shrunk diagram offers the full-size view').toBeGreaterThan(0);
    });
  });

  test('a drawing comes into the page as the reader nears it, in the room its placeholder kept', async () => {
    if (!browser || !site) throw new Error('Chromium or the static server did not start (see the error above).');
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: 'light' });
      try {
        const page = await context.newPage();
        await page.goto(`${site.origin}/chapters/kafka`);
        expect(await settle(page, { allDiagrams: false })).toBeUndefined();
        const last = page.locator('figure.mermaid-diagram[data-drawn="build"]').last();
        expect(await last.getAttribute('data-mermaid'), `at ${width} px the last diagram waits until the reader comes near`).toBe('deferred');
        const kept = await last.locator('.mermaid-scroll').evaluate((scroller) => scroller.getBoundingClientRect().height);
        await last.scrollIntoViewIfNeeded();
        await page.waitForFunction((figure) => figure?.getAttribute('data-mermaid') === 'rendered', await last.elementHandle(), { timeout: 5_000 });
        const drawn = await last.locator('.mermaid-scroll').evaluate((scroller) => scroller.getBoundingClientRect().height);
        expect(Math.abs(drawn - kept), `at ${width} px the placeholder kept ${kept} px, the drawing took ${drawn} px`).toBeLessThanOrEqual(8);
      } finally {
        await context.close();
      }
    }
  });

  test('without JavaScript a chapter shows its diagrams, drawn, whole and at a readable size', async () => {
    if (!browser || !site) throw new Error('Chromium or the static server did not start (see the error above).');
    const context = await browser.newContext({ viewport: { width: 390, height: 900 }, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${site.origin}/chapters/redis-streams`, { waitUntil: 'load' });
      const frames = page.locator('figure.mermaid-diagram iframe.mermaid-frame');
      expect(await frames.count()).toBe(mermaidBlocks(readFileSync(chapterFile('redis-streams'), 'utf8')).length);
      const problems: string[] = [];
      for (let i = 0; i < (await frames.count()); i++) {
        const frameElement = frames.nth(i);
        const box = await frameElement.boundingBox();
        const minWidth = await frameElement.evaluate((frame) => Number.parseFloat(frame.closest('figure')?.style.getPropertyValue('--diagram-min-width') ?? '') || 0);
        const frame = await (await frameElement.elementHandle())?.contentFrame();
        const drawing = await frame?.evaluate(() => {
          const svg = document.querySelector('svg.mermaid-variant-light');
          const rect = svg?.getBoundingClientRect();
          return { width: rect?.width ?? 0, height: rect?.height ?? 0, labels: svg?.querySelectorAll('foreignObject, text').length ?? 0 };
        });
        const at = `diagram ${i + 1}`;
        if (!box || !drawing || drawing.labels === 0) problems.push(`${at}: no drawing in its frame`);
        else if (box.width < minWidth - 1) problems.push(`${at}: ${box.width} px wide, below the ${minWidth} px at which its text is 12 px`);
        else if (Math.abs(drawing.height - box.height) > 2) problems.push(`${at}: the frame is ${box.height} px tall, the drawing ${drawing.height} px`);
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('the measurement catches a clipped label and a stray node', async () => {
    await openChapter(1280, 'redis-streams', async (page) => {
      // What VitePress's paragraph style did before the theme scoped it out of diagram labels.
      await page.addStyleTag({ content: '.vp-doc .mermaid-diagram foreignObject p { line-height: 28px !important; }' });
      const diagrams = await measureDiagrams(page);
      expect(diagrams.flatMap((d) => d.clipped).length).toBeGreaterThan(0);
    });
    const withSemicolon = readDiagramSource('stateDiagram-v2\n  [*] --> A: one\n  A --> B: trimmed; later words\n');
    expect(sourceMismatches(withSemicolon, { texts: ['one', 'trimmed', 'A', 'B', ';', 'later', 'words'], nodes: 5 })).toEqual([
      'labels missing or cut short: "trimmed; later words"',
      '5 nodes drawn, the source declares 3',
    ]);
  });
});
