/**
 * The site as `npm start` serves it: the dev server with the progress endpoint, a ✓ on the exercises
 * the learner has done (also appearing live when the loop saves progress, in the page and the sidebar), stopping that really
 * stops it, and a broken mermaid diagram shown as a readable error that the checks report.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadTracks } from '../src/catalog/catalog.ts';
import { launchChromium } from '../src/site/chromium.ts';
import { startSiteServer, type SiteServer } from '../src/site/dev-server.ts';
import { DOCS_DIR } from '../src/site/paths.ts';
import { PROGRESS_ENDPOINT } from '../src/site/progress-protocol.ts';
import { auditPage, diagramProblems, settle } from '../src/site/site-audit.ts';

const [first, second] = loadTracks().flatMap((t) => t.exercises);
const scratch = mkdtempSync(join(tmpdir(), 'site-dev-'));
const progressFile = join(scratch, 'progress.json');
let browser: Browser | undefined;

function writeProgress(done: string[], current?: string): void {
  const exercises = Object.fromEntries(done.map((id) => [id, { done: true, hintsShown: 0 }]));
  writeFileSync(progressFile, JSON.stringify({ version: 1, current, exercises }));
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('npm start serves the site with the learner progress', () => {
  let site: SiteServer | undefined;

  beforeAll(async () => {
    if (!first || !second) throw new Error('this test needs two exercises in the catalog');
    writeProgress([first.id], second.id);
    site = await startSiteServer({ port: 0, progressFile, quiet: true });
    await site.ready;
  });

  afterAll(async () => {
    await site?.close();
  });

  test('the progress endpoint reports the exercises done and the current one', async () => {
    const response = await fetch(new URL(PROGRESS_ENDPOINT, site?.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: [first?.id], current: second?.id });
  });

  test('an exercise page shows ✓ for a done exercise, and it appears live when the loop marks another done', async () => {
    if (!browser || !site || !first || !second) throw new Error('setup failed (see above)');
    const page = await browser.newPage();
    try {
      const audit = await auditPage(page, site.url.replace(/\/$/, ''), `/exercises/${first.id}`);
      expect(audit.errors, 'console errors in the dev server').toEqual([]);
      await page.waitForSelector(`.exercise-status[data-done="${first.id}"]`, { timeout: 10_000 });
      expect(await page.locator('.exercise-status').innerText()).toContain('✓ Done');

      await page.goto(new URL(`exercises/${second.id}`, site.url).href);
      await page.waitForSelector('.exercise-status', { timeout: 30_000 });
      expect(await page.locator('.exercise-status').innerText()).toContain('the exercise the loop is on');

      writeProgress([first.id, second.id]);
      await page.waitForSelector(`.exercise-status[data-done="${second.id}"]`, { timeout: 10_000 });
    } finally {
      await page.close();
    }
  });

  test('the home page shows the progress of each track and the next exercise', async () => {
    if (!browser || !site || !first || !second) throw new Error('setup failed (see above)');
    writeProgress([first.id], second.id);
    const page = await browser.newPage();
    try {
      await page.goto(site.url);
      await page.waitForSelector(`.home-progress[data-progress="live"] [data-next="${second.id}"]`, { timeout: 30_000 });
      const track = loadTracks().find((t) => t.exercises.some((e) => e.id === first.id));
      const row = page.locator(`.home-tracks tr[data-track="${track?.id}"]`);
      expect(await row.getAttribute('data-done')).toBe('1');
      expect(await row.innerText()).toContain(`1 of ${track?.exercises.length}`);
      expect(await page.locator('.home-next a').getAttribute('href')).toBe(`/exercises/${second.id}`);
    } finally {
      await page.close();
    }
  });

  test('the sidebar marks the exercises done and the current one, and counts per track and chapter, live', async () => {
    if (!browser || !site || !first || !second) throw new Error('setup failed (see above)');
    writeProgress([first.id], second.id);
    const track = loadTracks().find((t) => t.exercises.some((e) => e.id === first.id));
    const total = track?.exercises.length;
    const page = await browser.newPage();
    try {
      await page.goto(new URL(`exercises/${first.id}`, site.url).href);
      const mark = (id: string) => page.locator(`.VPSidebar a[href="/exercises/${id}"] .sidebar-mark`);
      const trackCount = page.locator(`.VPSidebar a[href="/exercises/#${track?.id}"] .sidebar-mark`);
      await mark(first.id).waitFor({ state: 'attached', timeout: 30_000 });
      expect(await mark(first.id).getAttribute('data-mark')).toBe('done');
      expect(await mark(first.id).textContent(), 'a mark says in words what it shows').toBe('✓ (done)');
      expect(await mark(second.id).getAttribute('data-mark')).toBe('current');
      expect(await trackCount.textContent()).toBe(`1 of ${total} done (1 of ${total} exercises done)`);
      expect(await page.locator('.VPSidebar a[href^="/chapters/"] .sidebar-mark[data-mark="count"]').count(), 'chapters with exercises show a count').toBeGreaterThan(0);

      writeProgress([first.id, second.id]);
      await page.waitForSelector(`.VPSidebar a[href="/exercises/${second.id}"] .sidebar-mark[data-mark="done"]`, { state: 'attached', timeout: 10_000 });
      if (track?.exercises.some((e) => e.id === second.id)) expect(await trackCount.getAttribute('data-done')).toBe('2');

      await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
      const serious = await page.evaluate(async () => {
        type Axe = { run: (context: object, options: object) => Promise<{ violations: Array<{ id: string; impact: string | null }> }> };
        const result = await (window as unknown as { axe: Axe }).axe.run({ include: [['.VPSidebar']] }, { resultTypes: ['violations'] });
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
      });
      expect(serious, 'axe on the sidebar with its marks').toEqual([]);
    } finally {
      await page.close();
    }
  });

  test("a chapter's drawings arrive, fetched from the diagram cache as the reader nears them", async () => {
    if (!browser || !site) throw new Error('setup failed (see above)');
    const page = await browser.newPage();
    try {
      const audit = await auditPage(page, site.url.replace(/\/$/, ''), '/chapters/redis-streams');
      expect(audit.errors, 'console errors and failed requests').toEqual([]);
      expect(audit.diagrams.length).toBeGreaterThan(0);
      expect(diagramProblems(audit)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('stopping it closes the port', async () => {
    if (!site) throw new Error('setup failed (see above)');
    const { port, url } = site;
    await site.close();
    site = undefined;
    await expect(fetch(url)).rejects.toThrow();
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    await new Promise((resolve) => probe.close(resolve));
  });
});

describe('a diagram with a syntax error', () => {
  // A one-page site with the workbook's own config and theme. It lives in the git-ignored cache
  // folder, where the dev server may read the theme, and which VitePress never treats as pages.
  const fixture = join(DOCS_DIR, '.vitepress', 'cache', `broken-diagram-${process.pid}`);
  let site: SiteServer | undefined;

  beforeAll(async () => {
    mkdirSync(join(fixture, '.vitepress', 'theme'), { recursive: true });
    writeFileSync(join(fixture, '.vitepress', 'config.ts'), `export { default } from '${join(DOCS_DIR, '.vitepress', 'config.ts')}';\n`);
    writeFileSync(join(fixture, '.vitepress', 'theme', 'index.ts'), `export { default } from '${join(DOCS_DIR, '.vitepress', 'theme', 'index.ts')}';\n`);
    writeFileSync(
      join(fixture, 'broken.md'),
      ['# Broken', '', '```mermaid', 'flowchart LR', '  A --> B', '```', '', '```mermaid', 'flowchart LR', '  A -->', '  --> B ((', '```', ''].join('\n'),
    );
    site = await startSiteServer({ port: 0, docsDir: fixture, quiet: true });
    await site.ready;
  });

  afterAll(async () => {
    await site?.close();
    rmSync(fixture, { recursive: true, force: true });
  });

  test('shows a readable error box, not mermaid\'s bomb picture, and fails the page checks', async () => {
    if (!browser || !site) throw new Error('setup failed (see above)');
    const page = await browser.newPage();
    try {
      const origin = site.url.replace(/\/$/, '');
      const audit = await auditPage(page, origin, '/broken');
      expect(audit.diagrams.map((d) => d.state)).toEqual(['rendered', 'error']);
      expect(audit.mermaidErrorOutput, "mermaid's own error picture").toBe(false);
      expect(diagramProblems(audit)).toEqual([expect.stringMatching(/^diagram 2 has a syntax error: .+/)]);
      expect(audit.errors.join('\n')).toContain('A mermaid diagram on this page could not be drawn');
      expect(await page.locator('[data-mermaid="error"]').innerText()).toContain('This diagram has a syntax error');
      expect(await settle(page)).toBeUndefined();
    } finally {
      await page.close();
    }
  });
});
