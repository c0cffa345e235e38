/**
 * The site's budgets, measured (reported, never asserted): how long `npm run docs:build` takes, and
 * for each chapter page (and one page of each other kind) the JavaScript a first visit loads,
 * gzipped, split into pages with and without mermaid diagrams. Target: ≤ 250 KB gz for a page without diagrams. Counted: every .js the
 * page loads until it has hydrated and drawn its diagrams, gzipped here (the static server does not
 * compress); not counted: the theme's idle prefetches of linked pages.
 *
 *   npm run bench:site                 # build, then measure
 *   npm run bench:site -- --no-build   # measure the build already in docs/.vitepress/dist
 *
 * Writes artifacts/site-budget.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { loadLabs, loadTracks } from '../src/catalog/catalog.ts';
import { ROOT } from '../src/catalog/paths.ts';
import { launchChromium } from '../src/site/chromium.ts';
import { ARTIFACTS_DIR, DIST_DIR } from '../src/site/paths.ts';
import { builtPages, isMermaidCode, settle } from '../src/site/site-audit.ts';
import { serveStatic } from '../src/site/static-server.ts';

export const TARGET_KB_GZ = 250;

export interface PageWeight {
  url: string;
  diagrams: number;
  scripts: number;
  jsKb: number;
  jsKbGz: number;
  loadsMermaid: boolean;
}

export interface SiteBudget {
  buildSeconds?: number;
  targetKbGz: number;
  pages: PageWeight[];
  withoutDiagrams: { pages: number; maxKbGz: number; medianKbGz: number };
  withDiagrams: { pages: number; maxKbGz: number; medianKbGz: number };
}

const kb = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10;

export function timeBuild(): number {
  const started = performance.now();
  execFileSync('npm', ['run', '-s', 'docs:build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return Math.round((performance.now() - started) / 100) / 10;
}

/** The pages measured: every chapter, plus one page of each other kind for comparison. */
export function pagesToMeasure(all: string[]): string[] {
  const exercise = loadTracks().flatMap((t) => t.exercises)[0];
  const lab = loadLabs()[0];
  const others = ['/', '/exercises/', exercise && `/exercises/${exercise.id}`, lab && `/labs/${lab.name}`, '/reference/coverage', '/flashcards', '/interview-practice'];
  return [...all.filter((p) => p.startsWith('/chapters/')), ...others.filter((p): p is string => !!p && all.includes(p))];
}

export async function measurePages(urls: string[]): Promise<PageWeight[]> {
  const site = await serveStatic(DIST_DIR);
  const browser = await launchChromium();
  try {
    const weights: PageWeight[] = [];
    for (const url of urls) {
      // A fresh context per page: an empty cache, as on a first visit.
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const bodies: Array<Promise<{ url: string; bytes: Buffer }>> = [];
        page.on('response', (response) => {
          const request = response.request();
          // Prefetches of linked pages' chunks are speculative, not what this page needs.
          const prefetch = /prefetch/.test(request.headers()['sec-purpose'] ?? request.headers()['purpose'] ?? '');
          const javascript = request.resourceType() === 'script' || new URL(response.url()).pathname.endsWith('.js');
          if (javascript && !prefetch) bodies.push(response.body().then((bytes) => ({ url: response.url(), bytes })));
        });
        await page.goto(site.origin + url);
        const late = await settle(page);
        if (late) throw new Error(`${url}: ${late}`);
        const diagrams = await page.locator('.mermaid-diagram').count();
        const scripts = await Promise.all(bodies);
        weights.push({
          url,
          diagrams,
          scripts: scripts.length,
          jsKb: kb(scripts.reduce((sum, s) => sum + s.bytes.length, 0)),
          jsKbGz: kb(scripts.reduce((sum, s) => sum + gzipSync(s.bytes).length, 0)),
          loadsMermaid: scripts.some((s) => isMermaidCode(s.url)),
        });
      } finally {
        await context.close();
      }
    }
    return weights;
  } finally {
    await browser.close();
    await site.close();
  }
}

export function summarise(pages: PageWeight[], buildSeconds?: number): SiteBudget {
  const group = (list: PageWeight[]): SiteBudget['withDiagrams'] => {
    const sizes = list.map((p) => p.jsKbGz).sort((a, b) => a - b);
    return { pages: list.length, maxKbGz: sizes.at(-1) ?? 0, medianKbGz: sizes[Math.floor((sizes.length - 1) / 2)] ?? 0 };
  };
  return {
    ...(buildSeconds === undefined ? {} : { buildSeconds }),
    targetKbGz: TARGET_KB_GZ,
    pages,
    withoutDiagrams: group(pages.filter((p) => p.diagrams === 0)),
    withDiagrams: group(pages.filter((p) => p.diagrams > 0)),
  };
}

export function renderBudget(budget: SiteBudget): string {
  const width = Math.max(...budget.pages.map((p) => p.url.length), 4);
  const lines = [
    budget.buildSeconds === undefined ? 'Build: not run (--no-build)' : `Build: npm run docs:build took ${budget.buildSeconds} s`,
    '',
    `${'page'.padEnd(width)}  diagrams  scripts   JS KB  JS KB gz  mermaid loaded`,
    ...budget.pages.map(
      (p) =>
        `${p.url.padEnd(width)}  ${String(p.diagrams).padStart(8)}  ${String(p.scripts).padStart(7)}  ${p.jsKb.toFixed(1).padStart(6)}  ${p.jsKbGz.toFixed(1).padStart(8)}  ${p.loadsMermaid ? 'yes' : 'no'}`,
    ),
    '',
    `Pages without diagrams: ${budget.withoutDiagrams.pages}, max ${budget.withoutDiagrams.maxKbGz} KB gz, median ${budget.withoutDiagrams.medianKbGz} KB gz` +
      ` (target ≤ ${budget.targetKbGz} KB gz: ${budget.withoutDiagrams.maxKbGz <= budget.targetKbGz ? 'met' : 'OVER'})`,
    `Pages with diagrams:    ${budget.withDiagrams.pages}, max ${budget.withDiagrams.maxKbGz} KB gz, median ${budget.withDiagrams.medianKbGz} KB gz`,
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'no-build': { type: 'boolean' } } });
  const buildSeconds = values['no-build'] ? undefined : timeBuild();
  if (!existsSync(join(DIST_DIR, 'index.html'))) {
    process.stderr.write('The built site is missing: run `npm run docs:build` first, or drop --no-build.\n');
    process.exit(1);
  }
  const budget = summarise(await measurePages(pagesToMeasure(builtPages(DIST_DIR))), buildSeconds);
  console.log(renderBudget(budget));
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(join(ARTIFACTS_DIR, 'site-budget.json'), `${JSON.stringify(budget, null, 2)}\n`);
  console.log(`\nWritten to ${join(ARTIFACTS_DIR, 'site-budget.json')}`);
}
