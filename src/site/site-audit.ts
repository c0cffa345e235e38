// The functions passed to page.evaluate run in the browser and use its DOM.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * What the browser test checks on every page of the built site, as plain functions over a
 * playwright page: console errors and page errors, failed requests, mermaid diagrams that did not
 * become an SVG (or became mermaid's error picture), the links and anchors on the page, and
 * whether the page scrolls sideways on a phone.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Page } from 'playwright-core';
import { DRAWN_DIAGRAMS_URL } from './drawn-diagrams.ts';
import { resolveStaticPath } from './static-server.ts';

export interface DiagramState {
  state: string;
  hasSvg: boolean;
  error: string;
}

export interface PageAudit {
  url: string;
  /** Console errors, uncaught exceptions and failed same-origin requests, one line each. */
  errors: string[];
  diagrams: DiagramState[];
  /** Mermaid's own error output anywhere on the page ("Syntax error in text", the bomb SVG). */
  mermaidErrorOutput: boolean;
  /** Same-origin links, absolute (`/chapters/kafka#topics`). */
  links: string[];
  ids: string[];
  scripts: string[];
  exerciseLinks: string[];
  labLinks: string[];
  /** The chapters a <ChapterPractice> on the page lists. */
  practiceFor: string[];
}

/** Mermaid's code, which only pages with a diagram may load. */
export const isMermaidCode = (scriptUrl: string): boolean => /\/mermaid\.core\.[\w-]+\.js$/.test(scriptUrl);

/**
 * Every built page as a URL path, from the .html files of the build (404.html is not a page, nor
 * are the drawings the pages fetch, under DRAWN_DIAGRAMS_URL).
 */
export function builtPages(dist: string): string[] {
  const pages: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.html')) pages.push(relative(dist, path).split(sep).join('/'));
    }
  };
  walk(dist);
  return pages
    .filter((p) => p !== '404.html' && !`/${p}`.startsWith(DRAWN_DIAGRAMS_URL))
    .map((p) => `/${p.replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, '')}`)
    .sort();
}

const MERMAID_DEADLINE_MS = 30_000;
const HYDRATION_DEADLINE_MS = 15_000;

/** Opens `origin + url` and records everything the checks need. */
export async function auditPage(page: Page, origin: string, url: string): Promise<PageAudit> {
  const errors: string[] = [];
  const scripts: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}${message.location().url ? ` (${message.location().url})` : ''}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught ${error.name}: ${error.message}`));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'no reason given'})`));
  page.on('response', (response) => {
    if (response.url().startsWith(origin) && response.status() >= 400) errors.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.url());
  });

  await page.goto(origin + url, { waitUntil: 'load' });
  const late = await settle(page);
  if (late) errors.push(late);

  const found = await page.evaluate((siteOrigin) => {
    const sameOrigin = [...document.querySelectorAll('a[href]')]
      .map((a) => (a as HTMLAnchorElement).href)
      .filter((href) => href.startsWith(`${siteOrigin}/`) || href === siteOrigin)
      .map((href) => href.slice(siteOrigin.length) || '/');
    // No named helper functions in here: tsx (esbuild keepNames) would wrap them in a __name() the page lacks.
    const [exerciseLinks, labLinks, practiceFor] = [
      ['a[data-exercise]', 'data-exercise'],
      ['a[data-lab]', 'data-lab'],
      ['.practice[data-chapter]', 'data-chapter'],
    ].map(([selector = '', name = '']) => [...document.querySelectorAll(selector)].map((e) => e.getAttribute(name) ?? ''));
    return {
      diagrams: [...document.querySelectorAll('.mermaid-diagram')].map((d) => ({
        state: d.getAttribute('data-mermaid') ?? 'missing',
        hasSvg: d.querySelector('svg') !== null,
        error: d.querySelector('.mermaid-error-message')?.textContent ?? '',
      })),
      mermaidErrorOutput:
        document.body.innerText.includes('Syntax error in text') || document.querySelector('svg[aria-roledescription="error"]') !== null,
      links: sameOrigin,
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
      exerciseLinks: exerciseLinks ?? [],
      labLinks: labLinks ?? [],
      practiceFor: practiceFor ?? [],
    };
  }, origin);
  // Copies: events that arrive while the page closes must not change a finished audit.
  return { url, errors: [...errors], scripts: [...scripts], ...found };
}

/**
 * Waits until Vue has hydrated the page (hydration mismatches are reported by then) and every
 * diagram has finished drawing. A drawing made at build time is fetched when the reader comes
 * near it; unless `allDiagrams` is false (to measure a page's load as a reader gets it), all are
 * fetched and put in the page first, as before printing. Returns what did not happen in time, if anything.
 */
export async function settle(page: Page, { allDiagrams = true }: { allDiagrams?: boolean } = {}): Promise<string | undefined> {
  try {
    await page.waitForFunction(() => {
      const app = document.querySelector('#app');
      return app === null || '__vue_app__' in app;
    }, undefined, { timeout: HYDRATION_DEADLINE_MS });
  } catch {
    return `the page did not start (Vue did not mount within ${HYDRATION_DEADLINE_MS / 1000} s)`;
  }
  try {
    if (allDiagrams) {
      // The theme attaches its diagram controls once the content is in place, a moment after mounting.
      await page.waitForFunction(
        () => {
          window.dispatchEvent(new Event('beforeprint'));
          return document.querySelectorAll('.mermaid-diagram[data-mermaid="deferred"], .mermaid-diagram[data-mermaid="loading"]').length === 0;
        },
        undefined,
        { timeout: MERMAID_DEADLINE_MS, polling: 100 },
      );
    }
    await page.waitForFunction(() => document.querySelectorAll('.mermaid-diagram[data-mermaid="pending"]').length === 0, undefined, { timeout: MERMAID_DEADLINE_MS });
  } catch {
    return `mermaid diagrams were still drawing (or waiting to be put in the page) after ${MERMAID_DEADLINE_MS / 1000} s`;
  }
  return stylesLoaded(page);
}

/**
 * Waits until every stylesheet on the page has loaded: a diagram drawn at build time brings its
 * stylesheet as a <link> beside it, which after a client-side navigation arrives a moment after the
 * drawing; measured before, its labels are a pixel wider than a reader ever sees them.
 */
export async function stylesLoaded(page: Page): Promise<string | undefined> {
  try {
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].every((link) => link.sheet !== null), undefined, { timeout: MERMAID_DEADLINE_MS });
    return undefined;
  } catch {
    return `stylesheets were still loading after ${MERMAID_DEADLINE_MS / 1000} s`;
  }
}

/** What is wrong with the page's diagrams, one line each. */
export function diagramProblems(audit: PageAudit): string[] {
  const problems = audit.diagrams.flatMap((d, i) => {
    if (d.state === 'error') return [`diagram ${i + 1} has a syntax error: ${d.error.split('\n')[0]}`];
    if (d.state !== 'rendered' || !d.hasSvg) return [`diagram ${i + 1} did not become an SVG (state: ${d.state})`];
    return [];
  });
  if (audit.mermaidErrorOutput) problems.push("mermaid's own error output is on the page (\"Syntax error in text\")");
  return problems;
}

/**
 * Links that lead nowhere: the path must be a built page or file, and an anchor must be an id on
 * the target page (known from its audit).
 */
export function deadLinks(audits: Map<string, PageAudit>, dist: string): string[] {
  const dead: string[] = [];
  for (const audit of audits.values()) {
    for (const link of new Set(audit.links)) {
      const [path = '/', hash = ''] = link.split('#');
      const file = resolveStaticPath(dist, path);
      if (!file) {
        dead.push(`${audit.url} → ${link}: no such page`);
        continue;
      }
      if (hash === '' || !file.endsWith('.html')) continue;
      const target = audits.get(pagePathOf(dist, file));
      const id = safeDecode(hash);
      if (target && !target.ids.includes(id)) dead.push(`${audit.url} → ${link}: no element with id "${id}" on ${target.url}`);
    }
  }
  return dead;
}

/** Elements that stick out past the viewport's right edge, making a phone scroll sideways. */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; viewport: number; culprits: string[] }> {
  return page.evaluate(() => {
    const viewport = window.innerWidth;
    // Inside a box that scrolls or clips sideways, an element cannot widen the page.
    const clipped = new Set<Element>();
    for (const box of document.body.querySelectorAll('*')) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(box).overflowX)) for (const inner of box.querySelectorAll('*')) clipped.add(inner);
    }
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((e) => e.getBoundingClientRect().right > viewport + 1 && !clipped.has(e))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''}`);
    return { scrollWidth: document.documentElement.scrollWidth, viewport, culprits };
  });
}

function pagePathOf(dist: string, file: string): string {
  const rel = relative(dist, file).split(sep).join('/');
  return `/${rel.replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, '')}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
