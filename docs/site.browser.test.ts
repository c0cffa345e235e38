/**
 * The built site (docs/.vitepress/dist) in Debian's Chromium: every page opens without a console
 * error, every mermaid diagram becomes an SVG, no internal link or anchor is dead, every exercise
 * and lab is linked and has its page, local search finds the generated pages, and no page scrolls
 * sideways on a phone. (Screenshots for CI are the performance test's: SCREENSHOT_DIR.)
 *
 * `npm test` builds the site first; on its own: `npm run docs:build && npx vitest run --project browser`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadLabs, loadTracks } from '../src/catalog/catalog.ts';
import { launchChromium } from '../src/site/chromium.ts';
import { DIST_DIR } from '../src/site/paths.ts';
import { auditPage, builtPages, deadLinks, diagramProblems, horizontalOverflow, isMermaidCode, settle, type PageAudit } from '../src/site/site-audit.ts';
import { serveStatic, type StaticSite } from '../src/site/static-server.ts';

const built = existsSync(join(DIST_DIR, 'index.html'));
const pages = built ? builtPages(DIST_DIR) : [];
const exercises = loadTracks().flatMap((t) => t.exercises);
const labs = loadLabs();
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let site: StaticSite | undefined;
let browser: Browser | undefined;
const audits = new Map<string, PageAudit>();
const phoneWidths = new Map<string, Awaited<ReturnType<typeof horizontalOverflow>>>();

beforeAll(async () => {
  if (!built) throw new Error(`The built site is missing (${DIST_DIR}): run \`npm run docs:build\` first (npm test does).`);
  site = await serveStatic(DIST_DIR);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/**
 * One context for the page-by-page audit: a new context per page cost ~140 ms each (96 pages), and
 * a page of its own in a shared context is just as independent for what the audit looks at.
 */
let auditContext: Promise<BrowserContext> | undefined;

async function withAuditPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
  if (!browser) throw new Error('Chromium did not start (see the error above).');
  const opened = browser;
  auditContext ??= opened.newContext({ viewport: DESKTOP, colorScheme: 'light' });
  const page = await (await auditContext).newPage();
  try {
    return await use(page);
  } finally {
    await page.close();
  }
}

async function withPage<T>(viewport: { width: number; height: number }, use: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
  if (!browser) throw new Error('Chromium did not start (see the error above).');
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  try {
    return await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

const origin = (): string => {
  if (!site) throw new Error('The static server did not start (see the error above).');
  return site.origin;
};

describe('every page of the built site', () => {
  test('the build has the home page, the exercise and lab indexes and a page per exercise and lab', () => {
    expect(pages).toEqual(expect.arrayContaining(['/', '/exercises/', '/labs/', '/reference/coverage']));
    const missing = [...exercises.map((e) => `/exercises/${e.id}`), ...labs.map((l) => `/labs/${l.name}`)].filter((p) => !pages.includes(p));
    expect(missing, 'exercises and labs without a page').toEqual([]);
  });

  test.each(pages)('%s opens with no console error, and its diagrams draw', async (url) => {
    await withAuditPage(async (page) => {
      const audit = await auditPage(page, origin(), url);
      audits.set(url, audit);
      expect(audit.errors, 'console errors, uncaught errors and failed requests').toEqual([]);
      expect(diagramProblems(audit), 'mermaid diagrams').toEqual([]);
      if (audit.diagrams.length === 0) expect(audit.scripts.filter(isMermaidCode), 'a page without diagrams loads no mermaid code').toEqual([]);
      // The same page narrowed to a phone's width: the theme's layout follows media queries.
      await page.setViewportSize(PHONE);
      await page.evaluate(() => new Promise(requestAnimationFrame));
      phoneWidths.set(url, await horizontalOverflow(page));
    });
  });
});

describe('links', () => {
  test('no internal link or anchor on any page is dead', () => {
    const unvisited = pages.filter((p) => !audits.has(p));
    expect(unvisited, 'pages that could not be opened (see their own test)').toEqual([]);
    const dead = deadLinks(audits, DIST_DIR);
    expect(dead, `${dead.length} dead link(s):\n  ${dead.join('\n  ')}\n`).toEqual([]);
  });

  test('every exercise and lab link names an exercise or lab that exists', () => {
    const known = new Set(exercises.map((e) => e.id));
    const knownLabs = new Set(labs.map((l) => l.name));
    const wrong = [...audits.values()].flatMap((a) => [
      ...a.exerciseLinks.filter((id) => !known.has(id)).map((id) => `${a.url}: exercise ${id}`),
      ...a.labLinks.filter((name) => !knownLabs.has(name)).map((name) => `${a.url}: lab ${name}`),
    ]);
    expect(wrong).toEqual([]);
  });

  test('/exercises/ and /labs/ link every exercise and lab', () => {
    expect(new Set(audits.get('/exercises/')?.exerciseLinks)).toEqual(new Set(exercises.map((e) => e.id)));
    expect(new Set(audits.get('/labs/')?.labLinks)).toEqual(new Set(labs.map((l) => l.name)));
  });

  test("a chapter's practice list links every exercise and lab of that chapter", () => {
    const gaps = [...audits.values()].flatMap((audit) =>
      audit.practiceFor.flatMap((chapter) => [
        ...exercises.filter((e) => e.chapter === chapter && !audit.exerciseLinks.includes(e.id)).map((e) => `${audit.url}: exercise ${e.id}`),
        ...labs.filter((l) => l.chapter === chapter && !audit.labLinks.includes(l.name)).map((l) => `${audit.url}: lab ${l.name}`),
      ]),
    );
    expect(gaps).toEqual([]);
  });
});

describe('light and dark', () => {
  test('diagrams are drawn again in the dark theme when the reader switches', async () => {
    const withDiagrams = [...audits.values()].find((a) => a.diagrams.length > 0);
    expect(withDiagrams, 'no page has a mermaid diagram: the guides\' ASCII drawings must become diagrams').toBeDefined();
    await withPage(DESKTOP, async (page) => {
      await page.goto(origin() + (withDiagrams?.url ?? '/'));
      expect(await settle(page)).toBeUndefined();
      expect(await page.locator('.mermaid-diagram[data-theme="default"]').count(), 'drawn in the light theme first').toBeGreaterThan(0);
      await page.locator('.VPNavBarAppearance .VPSwitchAppearance').click();
      await page.waitForFunction(
        () => [...document.querySelectorAll('.mermaid-diagram')].every((d) => d.getAttribute('data-theme') === 'dark'),
        undefined,
        { timeout: 15_000 },
      );
      expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    });
  });
});

describe('search', () => {
  test('the local search finds an exercise by words of its title', async () => {
    const exercise = exercises[0];
    if (!exercise) throw new Error('the workbook has no exercise');
    const words = exercise.title.split(/\s+/).slice(0, 3).join(' ');
    await withPage(DESKTOP, async (page) => {
      await page.goto(`${origin()}/`);
      expect(await settle(page)).toBeUndefined();
      await page.locator('.VPNavBarSearch .DocSearch-Button').click();
      await page.locator('#localsearch-input').fill(words);
      const hit = page.locator(`.VPLocalSearchBox a.result[href*="${exercise.name}"]`);
      await hit.first().waitFor({ timeout: 10_000 });
      expect(await hit.count(), `a result for "${words}" leads to ${exercise.id}`).toBeGreaterThan(0);
    });
  });
});

describe('the home page and the 404 page', () => {
  test('the home page says what is inside, gives a clear start and has a main landmark; Coverage is in the footer, not the nav', async () => {
    await withPage(DESKTOP, async (page) => {
      await page.goto(`${origin()}/`);
      expect(await settle(page)).toBeUndefined();
      expect(await page.locator('main').count(), 'a main landmark').toBeGreaterThan(0);
      expect(await page.locator('.home-card-title').allInnerTexts()).toEqual(['Chapters', 'Exercises', 'Labs', 'Flashcards', 'Mock interview']);
      expect(await page.locator('.home-card').evaluateAll((cards) => cards.map((card) => getComputedStyle(card).listStyleType)), 'the cards show no list bullet').toEqual(Array(5).fill('none'));
      expect(await page.locator('.home-progress[data-progress="static"] a.home-start').getAttribute('href')).toBe('/chapters/fundamentals');
      expect(await page.locator('.VPNavBarMenu a', { hasText: 'Coverage' }).count(), 'Coverage is not in the top nav').toBe(0);
      expect(await page.locator('.VPFooter a[href="/reference/coverage"]').count(), 'a footer link to the coverage page').toBe(1);
      const descriptions = new Set<string>();
      for (const url of ['/', '/chapters/kafka', '/chapters/sns', `/labs/${labs[0]?.name}`, `/exercises/${exercises[0]?.id}`]) {
        await page.goto(origin() + url);
        descriptions.add((await page.locator('meta[name="description"]').getAttribute('content')) ?? '');
      }
      expect(descriptions.size, 'each page has its own meta description').toBe(5);
    });
  });

  test('an unknown address shows our 404 page with the ways on', async () => {
    await withPage(DESKTOP, async (page) => {
      await page.goto(`${origin()}/chapters/no-such-chapter`);
      await page.waitForSelector('.not-found', { timeout: 15_000 });
      expect(await page.locator('.not-found-title').innerText()).toBe('There is no page at this address');
      expect(await page.locator('.not-found-chapters a').count()).toBeGreaterThan(10);
    });
  });

  test('search results say what kind of page a hit is', async () => {
    const lab = labs[0];
    if (!lab) throw new Error('the workbook has no lab');
    await withPage(DESKTOP, async (page) => {
      await page.goto(`${origin()}/`);
      expect(await settle(page)).toBeUndefined();
      await page.locator('.VPNavBarSearch .DocSearch-Button').click();
      await page.locator('#localsearch-input').fill(lab.title.split(/\s+/).slice(0, 4).join(' '));
      const hit = page.locator(`.VPLocalSearchBox a.result[href*="/labs/${lab.name}"]`).first();
      await hit.waitFor({ timeout: 10_000 });
      // The breadcrumb of a hit: "# Lab › <title> ›…"
      expect((await hit.innerText()).replace(/^#\s*/, '')).toMatch(/^Lab\s+Cache|^Lab\b/);
    });
  });
});

describe('on a phone (390 px wide)', () => {
  test.each(pages)('%s does not scroll sideways', (url) => {
    const measured = phoneWidths.get(url);
    expect(measured, 'the page could not be opened (see its own test)').toBeDefined();
    const { scrollWidth, viewport, culprits } = measured ?? { scrollWidth: 0, viewport: 0, culprits: [] };
    expect(scrollWidth, `the page is ${scrollWidth} px wide on a ${viewport} px screen; sticking out: ${culprits.join(', ')}`).toBeLessThanOrEqual(viewport);
  });
});

describe('the checks themselves catch a broken page', () => {
  test('console error, syntax-error diagram, mermaid error picture, dead link, missing anchor and a too-wide element are all reported', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'broken-site-'));
    const broken = await serveStatic(dist);
    try {
      writeFileSync(
        join(dist, 'index.html'),
        `<!doctype html><body>
          <a href="/missing">gone</a> <a href="/other#nope">no anchor</a> <a href="/other#here">fine</a> <a href="https://example.invalid/">elsewhere</a>
          <div class="mermaid-diagram" data-mermaid="error"><pre class="mermaid-error-message">Parse error on line 2</pre></div>
          <div class="mermaid-diagram" data-mermaid="rendered"><svg aria-roledescription="error"><text>Syntax error in text</text></svg></div>
          <pre class="too-wide" style="width: 600px">a long line</pre>
          <script>console.error('boom')</script></body>`,
      );
      writeFileSync(join(dist, 'other.html'), '<!doctype html><body><h2 id="here">Here</h2></body>');
      const found = new Map<string, PageAudit>();
      for (const url of builtPages(dist)) found.set(url, await withPage(DESKTOP, (page) => auditPage(page, broken.origin, url)));
      const phone = await withPage(PHONE, async (page) => {
        await page.goto(`${broken.origin}/`);
        return horizontalOverflow(page);
      });
      expect(phone.scrollWidth).toBeGreaterThan(PHONE.width);
      expect(phone.culprits).toContain('pre.too-wide');
      const home = found.get('/');
      expect(home?.errors.join('\n')).toContain('console error: boom');
      expect(home && diagramProblems(home)).toEqual([
        'diagram 1 has a syntax error: Parse error on line 2',
        "mermaid's own error output is on the page (\"Syntax error in text\")",
      ]);
      expect(deadLinks(found, dist)).toEqual(['/ → /missing: no such page', '/ → /other#nope: no element with id "nope" on /other']);
    } finally {
      await broken.close();
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
