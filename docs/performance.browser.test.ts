/**
 * What each chapter (and the home, flashcards and labs pages) costs a reader on a phone, estimated
 * in Chromium as Lighthouse's mobile preset does (src/site/page-cost.ts: main-thread tasks' CPU time
 * × 4): the main thread's blocking time until the page has settled, and the bytes transferred,
 * JavaScript apart. Budgets fail the build on a regression; the full Lighthouse audit is
 * `npm run audit:lighthouse` (CI runs it after npm test).
 *
 * With SCREENSHOT_DIR set it also saves the home page and two chapters at 1280 and 390 px there
 * (CI keeps them as artifacts).
 *
 * Needs the built site: `npm run docs:build && npx vitest run --project browser performance`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHAPTERS } from '../src/catalog/chapters.ts';
import { launchChromium } from '../src/site/chromium.ts';
import { kilobytes, measurePageCost, type PageCost } from '../src/site/page-cost.ts';
import { DIST_DIR } from '../src/site/paths.ts';
import { settle } from '../src/site/site-audit.ts';
import { serveStatic, type StaticSite } from '../src/site/static-server.ts';

/**
 * Budgets (blocking time with the CPU 4× slower, as page-cost.ts estimates it; bytes uncompressed,
 * as the static server sends them). Measured on a loaded 2-core machine once diagrams were drawn at
 * build time: chapters 270–890 ms, 720–1040 KB, 235 KB of JavaScript; the home page 150 ms, 713 KB
 * (it prefetches the chapters it links), flashcards 590 KB of JavaScript. Drawing the diagrams in
 * the page instead cost 1570–3900 ms and loaded mermaid: that is what the budget keeps out.
 */
const CHAPTER_BUDGET = { blockingMs: 1_200, bytes: 1_200 * 1024, jsBytes: 300 * 1024 };
const PAGE_BUDGET = { blockingMs: 1_200, bytes: 1_000 * 1024, jsBytes: 700 * 1024 };
const PAGES = [...CHAPTERS.map((c) => `/chapters/${c.id}`), '/', '/flashcards', '/labs/'];
const SCREENSHOTS = ['/', '/chapters/kafka', '/chapters/redis-streams'];
const built = existsSync(join(DIST_DIR, 'index.html'));

let site: StaticSite | undefined;
let browser: Browser | undefined;
const costs: PageCost[] = [];

beforeAll(async () => {
  if (!built) throw new Error(`The built site is missing (${DIST_DIR}): run \`npm run docs:build\` first (npm test does).`);
  site = await serveStatic(DIST_DIR);
  browser = await launchChromium();
});

afterAll(async () => {
  if (costs.length > 0) {
    console.log(
      ['page costs on a phone (main-thread CPU × 4): blocking ms, bytes, JS bytes', ...costs.map((c) => `  ${c.url.padEnd(28)} ${String(c.blockingMs).padStart(5)} ms  ${kilobytes(c.bytes).padStart(8)}  ${kilobytes(c.jsBytes).padStart(7)} JS`)].join('\n'),
    );
  }
  await browser?.close();
  await site?.close();
});

describe('what a page costs a reader on a phone', () => {
  test.each(PAGES)('%s: main-thread blocking time and weight within budget', async (url) => {
    if (!browser || !site) throw new Error('Chromium or the static server did not start (see the error above).');
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'light' });
    try {
      const cost = await measurePageCost(browser, context, site.origin, url);
      costs.push(cost);
      const budget = url.startsWith('/chapters/') ? CHAPTER_BUDGET : PAGE_BUDGET;
      expect(cost.loadedMermaid, 'mermaid was loaded: a diagram was drawn in the page, not at build time (`npm run diagrams`)').toBe(false);
      expect(cost.blockingMs, `main thread blocked ${cost.blockingMs} ms (longest task ${cost.longestTaskMs} ms), budget ${budget.blockingMs} ms`).toBeLessThanOrEqual(budget.blockingMs);
      expect(cost.bytes, `page weight ${kilobytes(cost.bytes)}, budget ${kilobytes(budget.bytes)}`).toBeLessThanOrEqual(budget.bytes);
      expect(cost.jsBytes, `JavaScript ${kilobytes(cost.jsBytes)}, budget ${kilobytes(budget.jsBytes)}`).toBeLessThanOrEqual(budget.jsBytes);
    } finally {
      await context.close();
    }
  });

  const screenshotDir = process.env.SCREENSHOT_DIR?.trim();
  test.runIf(screenshotDir)('screenshots of the home page and two chapters at 1280 and 390 px (SCREENSHOT_DIR)', async () => {
    if (!browser || !site || !screenshotDir) throw new Error('Chromium or the static server did not start (see the error above).');
    mkdirSync(screenshotDir, { recursive: true });
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: 'light' });
      const page = await context.newPage();
      for (const url of SCREENSHOTS) {
        await page.goto(site.origin + url);
        expect(await settle(page)).toBeUndefined();
        const name = `${url === '/' ? 'home' : url.split('/').pop()}-${width}.png`;
        await page.screenshot({ path: join(screenshotDir, name), fullPage: true });
      }
      await context.close();
    }
    console.log(`screenshots: ${screenshotDir}`);
  });
});
