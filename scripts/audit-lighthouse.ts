/**
 * `npm run audit:lighthouse`: Lighthouse's mobile preset (a mid-range phone: CPU 4× slower,
 * simulated slow 4G) on every chapter, the home page, the flashcards and the labs index of the
 * built site, in Debian's Chromium. Prints performance, accessibility, total blocking time, largest
 * contentful paint and weight per page, and exits non-zero when a page is under budget
 * (performance 90, accessibility 98). CI runs it after `npm test`; it is too slow to be part of it.
 *
 * Lighthouse (pure JavaScript, no install scripts, ~185 MB with its dependencies) is not a
 * dependency of the workbook: it is installed once per machine into the tool cache
 * (src/harness/tools/cache.ts) with npm, pinned. The site is served gzipped, as a host would.
 *
 * Needs the built site (`npm run docs:build`; `-- --dist <dir>` audits a copy elsewhere) and Chromium.
 * `npm run audit:lighthouse -- kafka /` audits only some pages: a path given whole, or a word in it.
 * `-- --runs 3` audits each page three times and keeps the median run by performance, as Lighthouse
 * advises for scores that vary from run to run (its timings are wall-clock: a busy machine's
 * neighbours show up as blocking time).
 * `-- --details` also prints, per page, what the score is made of: each metric with its score, the
 * element Lighthouse took for the largest contentful paint, and where the main thread's time went.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHAPTERS } from '../src/catalog/chapters.ts';
import { WorkbookError } from '../src/harness/errors.ts';
import { ensureTool, type ToolSpec } from '../src/harness/tools/cache.ts';
import { CHROMIUM_ARGS, requireChromium } from '../src/site/chromium.ts';
import { DIST_DIR } from '../src/site/paths.ts';
import { serveStatic } from '../src/site/static-server.ts';

/** 13.x needs Node 22; the workbook runs on Node 20. */
const LIGHTHOUSE_VERSION = '12.8.2';
const BUDGET = { performance: 90, accessibility: 98 };
const PAGES = [...CHAPTERS.map((c) => `/chapters/${c.id}`), '/', '/flashcards', '/labs/'];

const LIGHTHOUSE: ToolSpec = {
  name: `lighthouse-${LIGHTHOUSE_VERSION}`,
  async install(dir, log) {
    log(`Installing lighthouse@${LIGHTHOUSE_VERSION} from the npm registry into ${dir} (about 185 MB, once per machine)...`);
    const npm = spawnSync('npm', ['install', '--prefix', dir, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `lighthouse@${LIGHTHOUSE_VERSION}`], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (npm.status !== 0) throw new WorkbookError(`npm could not install lighthouse@${LIGHTHOUSE_VERSION} (its output is above).`);
  },
};

interface LighthouseResult {
  lhr: {
    runtimeError?: { message: string };
    categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] } | undefined>;
    audits: Record<string, { score: number | null; numericValue?: number; displayValue?: string; title: string; details?: { items?: unknown[] } } | undefined>;
  };
}
type Lighthouse = (url: string, flags: Record<string, unknown>) => Promise<LighthouseResult | undefined>;

interface Row {
  url: string;
  performance: number;
  accessibility: number;
  tbtMs: number;
  lcpMs: number;
  bytes: number;
  /** Accessibility audits that failed, by id. */
  failed: string[];
}

/** Chromium with a DevTools port for Lighthouse; resolves once it listens. */
async function startChromium(): Promise<{ port: number; stop: () => Promise<void> }> {
  const path = requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'lighthouse-chromium-'));
  const child = spawn(path, [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Its profile can be removed only once it has stopped writing to it.
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  };
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not open its DevTools port within 30 s:\n${seen}`)), 30_000);
    child.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const found = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
      if (found) {
        clearTimeout(timer);
        resolve(Number(found[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}) before opening its DevTools port:\n${seen}`)));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { port, stop };
}

/** The run whose performance score is the median (the lower middle one for an even count). */
function medianRun(results: LighthouseResult[]): LighthouseResult {
  const sorted = [...results].sort((a, b) => score(a, 'performance') - score(b, 'performance'));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!median) throw new Error('no Lighthouse run to choose from');
  return median;
}

const score = (result: LighthouseResult, category: string): number => Math.round((result.lhr.categories[category]?.score ?? 0) * 100);
const numeric = (result: LighthouseResult, audit: string): number => Math.round(result.lhr.audits[audit]?.numericValue ?? NaN);

async function main(): Promise<void> {
  const distArg = process.argv.indexOf('--dist');
  const dist = distArg > 0 ? resolve(process.argv[distArg + 1] ?? '') : DIST_DIR;
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 1;
  if (!Number.isInteger(runs) || runs < 1) throw new WorkbookError('--runs takes a whole number of runs per page, e.g. --runs 3.');
  const details = process.argv.includes('--details');
  const words = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && all[i - 1] !== '--dist' && all[i - 1] !== '--runs');
  const pages = words.length > 0 ? PAGES.filter((url) => words.some((word) => (word.startsWith('/') ? url === word : url.includes(word)))) : PAGES;
  if (pages.length === 0) throw new WorkbookError(`No page matches ${words.join(' ')}: the pages are ${PAGES.join(' ')}`);
  if (!existsSync(join(dist, 'index.html'))) throw new WorkbookError(`The built site is missing (${dist}): run \`npm run docs:build\` first.`);
  const dir = await ensureTool(LIGHTHOUSE, (line) => console.error(line));
  const { default: lighthouse } = (await import(pathToFileURL(join(dir, 'node_modules', 'lighthouse', 'core', 'index.js')).href)) as { default: Lighthouse };
  const site = await serveStatic(dist, { compress: true });
  const chromium = await startChromium();
  const rows: Row[] = [];
  try {
    for (const url of pages) {
      const results: LighthouseResult[] = [];
      for (let run = 0; run < runs; run++) {
        const result = await lighthouse(site.origin + url, { port: chromium.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] });
        if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
        if (result.lhr.runtimeError) throw new Error(`Lighthouse could not audit ${url}: ${result.lhr.runtimeError.message}`);
        results.push(result);
      }
      const result = medianRun(results);
      const row = {
        url,
        performance: score(result, 'performance'),
        accessibility: score(result, 'accessibility'),
        tbtMs: numeric(result, 'total-blocking-time'),
        lcpMs: numeric(result, 'largest-contentful-paint'),
        bytes: numeric(result, 'total-byte-weight'),
        failed: (result.lhr.categories.accessibility?.auditRefs ?? []).filter((a) => a.weight > 0 && result.lhr.audits[a.id]?.score === 0).map((a) => a.id),
      };
      rows.push(row);
      console.log(formatRow(row));
      if (details) console.log(describeRun(result));
    }
  } finally {
    await chromium.stop();
    await site.close();
  }
  const under = rows.filter((r) => r.performance < BUDGET.performance || r.accessibility < BUDGET.accessibility);
  console.log(`\n${formatHeader()}\n${rows.map(formatRow).join('\n')}`);
  if (under.length > 0) {
    console.error(`\nUnder budget (performance ${BUDGET.performance}, accessibility ${BUDGET.accessibility}): ${under.map((r) => r.url).join(', ')}`);
    process.exit(1);
  }
  console.log(`\nEvery page within budget (performance ≥ ${BUDGET.performance}, accessibility ≥ ${BUDGET.accessibility}), Lighthouse ${LIGHTHOUSE_VERSION} mobile, median of ${runs} run(s).`);
}

const METRICS = ['first-contentful-paint', 'speed-index', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift'];

/** What a run's performance score is made of, indented under its row. */
function describeRun(result: LighthouseResult): string {
  const audits = result.lhr.audits;
  const lines = METRICS.map((id) => `    ${id.padEnd(26)} ${(audits[id]?.displayValue ?? '?').padStart(9)}  score ${Math.round((audits[id]?.score ?? 0) * 100)}`);
  const lcpElement = JSON.stringify(audits['largest-contentful-paint-element']?.details?.items ?? []);
  const snippet = /"snippet":"((?:[^"\\]|\\.)*)"/.exec(lcpElement)?.[1] ?? 'none found';
  lines.push(`    LCP element: ${snippet.slice(0, 160)}`);
  const phases = /"items":\[((?:\{"phase":[^}]*\},?)+)\]/.exec(lcpElement)?.[1];
  if (phases) lines.push(`    LCP phases: ${[...phases.matchAll(/"phase":"([^"]+)"[^}]*"timing":([\d.]+)/g)].map(([, phase, ms]) => `${phase} ${Math.round(Number(ms))} ms`).join(', ')}`);
  const blocking = (audits['render-blocking-resources']?.details?.items ?? []) as Array<{ url?: string; wastedMs?: number }>;
  if (blocking.length > 0) lines.push(`    render-blocking: ${blocking.map((b) => `${(b.url ?? '').replace(/^https?:\/\/[^/]+/, '')} (${Math.round(b.wastedMs ?? 0)} ms)`).join(', ')}`);
  const work = (audits['mainthread-work-breakdown']?.details?.items ?? []) as Array<{ groupLabel?: string; duration?: number }>;
  lines.push(`    main thread: ${work.map((w) => `${w.groupLabel} ${Math.round(w.duration ?? 0)} ms`).join(', ')}`);
  return lines.join('\n');
}

const formatHeader = (): string => `${'page'.padEnd(28)} ${'perf'.padStart(4)} ${'a11y'.padStart(4)} ${'TBT'.padStart(7)} ${'LCP'.padStart(7)} ${'weight'.padStart(8)}`;
const formatRow = (r: Row): string =>
  `${r.url.padEnd(28)} ${String(r.performance).padStart(4)} ${String(r.accessibility).padStart(4)} ${`${r.tbtMs} ms`.padStart(7)} ${`${(r.lcpMs / 1000).toFixed(1)} s`.padStart(7)} ${`${Math.round(r.bytes / 1024)} KB`.padStart(8)}${r.failed.length > 0 ? `  accessibility fails: ${r.failed.join(', ')}` : ''}`;

main().catch((error: unknown) => {
  console.error(`npm run audit:lighthouse: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
