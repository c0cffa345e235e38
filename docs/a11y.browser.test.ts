/**
 * axe-core on the built site, in Chromium: no serious or critical violation on the home page, every
 * chapter, the index pages, a lab, an exercise, the Flashcards page (with a card open), the mock
 * interview, the live view (/broker/, as the static site shows it) and the 404 page, in the light theme, and on one chapter with diagrams in the dark theme
 * (Mermaid's dark edge labels).
 *
 * axe-core (pure JS) is read from node_modules, or from AXE_CORE_PATH (a path to axe.min.js) where
 * it is not installed yet.
 * Needs the built site: `npm run docs:build && npx vitest run --project browser a11y`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadLabs, loadTracks } from '../src/catalog/catalog.ts';
import { CHAPTERS } from '../src/catalog/chapters.ts';
import { launchChromium } from '../src/site/chromium.ts';
import { DIST_DIR } from '../src/site/paths.ts';
import { settle } from '../src/site/site-audit.ts';
import { serveStatic, type StaticSite } from '../src/site/static-server.ts';

const AXE_VERSION = '4.14.1';

function axeSource(): string {
  const fromEnv = process.env.AXE_CORE_PATH;
  if (fromEnv && existsSync(fromEnv)) return readFileSync(fromEnv, 'utf8');
  try {
    return readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    throw new Error(`axe-core is not installed: add it as a devDependency (npm install -D axe-core@${AXE_VERSION}), or set AXE_CORE_PATH to an axe.min.js.`);
  }
}

interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

const built = existsSync(join(DIST_DIR, 'index.html'));
const lab = loadLabs()[0];
const exercise = loadTracks()[0]?.exercises[0];
const PAGES = ['/', ...CHAPTERS.map((c) => `/chapters/${c.id}`), '/exercises/', '/labs/', `/labs/${lab?.name}`, `/exercises/${exercise?.id}`, '/interview-practice', '/broker/', '/no-such-page'];

let site: StaticSite | undefined;
let browser: Browser | undefined;
let axe = '';

beforeAll(async () => {
  if (!built) throw new Error(`The built site is missing (${DIST_DIR}): run \`npm run docs:build\` first (npm test does).`);
  axe = axeSource();
  site = await serveStatic(DIST_DIR);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/**
 * One context per theme, a page of its own per check: what axe looks at is the page's DOM, and a
 * shared context keeps the site's scripts compiled from one page to the next (a context per page
 * compiled them 23 times).
 */
const contexts = new Map<'light' | 'dark', Promise<BrowserContext>>();

async function violations(path: string, colorScheme: 'light' | 'dark', prepare?: (page: Page) => Promise<void>): Promise<Violation[]> {
  if (!browser || !site) throw new Error('Chromium or the static server did not start (see the error above).');
  const opened = browser;
  if (!contexts.has(colorScheme)) contexts.set(colorScheme, opened.newContext({ viewport: { width: 1280, height: 900 }, colorScheme }));
  const page = await (await (contexts.get(colorScheme) as Promise<BrowserContext>)).newPage();
  try {
    await page.goto(site.origin + path);
    expect(await settle(page)).toBeUndefined();
    await prepare?.(page);
    await page.addScriptTag({ content: axe });
    const found = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe.run(document, {
        resultTypes: ['violations'],
      });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')) }));
    });
    return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  } finally {
    await page.close();
  }
}

const describeAll = (list: Violation[]): string[] => list.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.targets.join(' | ')}`);

describe('axe: no serious or critical violation', () => {
  test.each(PAGES)('%s', async (path) => {
    expect(describeAll(await violations(path, 'light'))).toEqual([]);
  });

  test('/flashcards with a card open', async () => {
    const found = await violations('/flashcards', 'light', async (page) => {
      await page.waitForSelector('[data-flashcards="ready"]');
      await page.locator('[data-action="flip"]').click();
      await page.waitForSelector('.fc-card[data-side="answer"]');
    });
    expect(describeAll(found)).toEqual([]);
  });

  test('/chapters/kafka in the dark theme', async () => {
    expect(describeAll(await violations('/chapters/kafka', 'dark'))).toEqual([]);
  });
});
