/**
 * Dev-server only: serves the learner's progress (.workbook/progress.json, as the loop writes it)
 * at PROGRESS_ENDPOINT, and pushes it to open pages when the file changes, so a ✓ appears on the
 * site the moment the loop marks an exercise done. The static build has neither.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vitepress';
import { z } from 'zod';
import { PROGRESS_FILE } from '../learn/progress.ts';
import { PROGRESS_FILE_ENV } from './env.ts';
import { PROGRESS_ENDPOINT, PROGRESS_EVENT, type SiteProgress } from './progress-protocol.ts';

const progressShape = z.object({
  current: z.string().optional(),
  exercises: z.record(z.string(), z.object({ done: z.boolean().optional() })).default({}),
});

/** What the site shows; a missing or damaged file is "nothing done yet" (the loop itself reports damage). */
export function readSiteProgress(file: string): SiteProgress {
  if (!existsSync(file)) return { done: [] };
  try {
    const parsed = progressShape.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) return { done: [] };
    const done = Object.entries(parsed.data.exercises).filter(([, e]) => e.done).map(([id]) => id).sort();
    return parsed.data.current ? { done, current: parsed.data.current } : { done };
  } catch {
    return { done: [] };
  }
}

export function progressPlugin(file = process.env[PROGRESS_FILE_ENV] || PROGRESS_FILE): Plugin {
  const progressFile = resolve(file);
  return {
    name: 'workbook:progress',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use(PROGRESS_ENDPOINT, (_req, res) => {
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
        res.end(JSON.stringify(readSiteProgress(progressFile)));
      });
      server.watcher.add(progressFile);
      const push = (changed: string): void => {
        if (resolve(changed) !== progressFile) return;
        server.ws.send({ type: 'custom', event: PROGRESS_EVENT, data: readSiteProgress(progressFile) });
      };
      server.watcher.on('add', push).on('change', push);
    },
  };
}
