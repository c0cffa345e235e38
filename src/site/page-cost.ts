// The functions passed to page.evaluate and addInitScript run in the browser and use its DOM.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * What a page costs a reader on a phone, measured in Chromium as Lighthouse's mobile preset
 * estimates it: the main thread's blocking time with the CPU 4× slower (every main-thread task's
 * time beyond 50 ms, as TBT counts it), and the bytes transferred, JavaScript apart.
 *
 * Like Lighthouse's default (simulated) throttling, the page runs at full speed and each task's
 * duration is multiplied by 4. The duration is the task's CPU time on the renderer's main thread
 * (a trace's `tdur`), not its wall time: on a loaded machine (CI, two cores shared by several jobs)
 * wall time measures the neighbours, and the same page varied 20× between runs. From navigation
 * until the page has settled; a fresh browser context per page, nothing cached.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { settle } from './site-audit.ts';

/** Lighthouse's mobile preset slows the CPU down 4×. */
export const MOBILE_CPU_SLOWDOWN = 4;
/** A task longer than this blocks input (the long-task threshold). */
const LONG_TASK_MS = 50;
/** What the scheduler runs as one task on a thread (what Lighthouse counts as a task). */
const TASK_EVENTS = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

export interface PageCost {
  url: string;
  /** Sum over main-thread tasks of their time beyond 50 ms with the CPU 4× slower, in ms. */
  blockingMs: number;
  /** The longest task with the CPU 4× slower, in ms. */
  longestTaskMs: number;
  /** Everything transferred: the document and every resource, in bytes. */
  bytes: number;
  /** JavaScript transferred, in bytes. */
  jsBytes: number;
  /** Whether mermaid's code was loaded (a diagram drawn in the page). */
  loadedMermaid: boolean;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Main-thread task CPU times (ms) per renderer, from a Chromium trace: outermost tasks only. */
export function mainThreadTasks(events: TraceEvent[]): number[][] {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return [...mains].map((thread) => {
    // The two task events nest either way round, or come alone: keep those no other task contains.
    const tasks = events.filter((e) => e.ph === 'X' && TASK_EVENTS.has(e.name) && `${e.pid}:${e.tid}` === thread).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const outermost: TraceEvent[] = [];
    let end = -Infinity;
    for (const task of tasks) {
      if (task.ts < end) continue;
      outermost.push(task);
      end = task.ts + (task.dur ?? 0);
    }
    return outermost.map((e) => (e.tdur ?? e.dur ?? 0) / 1000);
  });
}

/** Opens `origin + url` in a new page of `context` and measures it. */
export async function measurePageCost(browser: Browser, context: BrowserContext, origin: string, url: string): Promise<PageCost> {
  const page = await context.newPage();
  try {
    await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline', 'devtools.timeline', 'toplevel'] });
    let trace: Buffer | undefined;
    try {
      await page.goto(origin + url, { waitUntil: 'load' });
      const late = await settle(page, { allDiagrams: false });
      if (late) throw new Error(`${url}: ${late}`);
      // Until the network is quiet (late chunks, stylesheets) and two frames have been drawn since.
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    } finally {
      trace = await browser.stopTracing();
    }
    const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
    // The page's renderer is the busiest one (about:blank's does next to nothing).
    const slowed = mainThreadTasks(events).map((tasks) => tasks.map((ms) => ms * MOBILE_CPU_SLOWDOWN));
    const blocking = slowed.map((tasks) => tasks.reduce((sum, ms) => sum + Math.max(0, ms - LONG_TASK_MS), 0));
    const busiest = slowed[blocking.indexOf(Math.max(0, ...blocking))] ?? [];
    const weight = await page.evaluate(() => {
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const js = resources.filter((r) => r.initiatorType === 'script' || /\.m?js(\?|$)/.test(r.name));
      return {
        bytes: (navigation?.transferSize ?? 0) + resources.reduce((sum, r) => sum + r.transferSize, 0),
        jsBytes: js.reduce((sum, r) => sum + r.transferSize, 0),
        loadedMermaid: resources.some((r) => /\/mermaid\.core\.[\w-]+\.js$/.test(r.name)),
      };
    });
    return {
      url,
      blockingMs: Math.round(Math.max(0, ...blocking)),
      longestTaskMs: Math.round(Math.max(0, ...busiest)),
      ...weight,
    };
  } finally {
    await page.close();
  }
}

export const kilobytes = (bytes: number): string => `${Math.round(bytes / 1024)} KB`;
