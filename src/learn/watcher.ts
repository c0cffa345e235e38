/**
 * Tells when a learner's file has really changed. fs.watch on the folder (editors often save by
 * writing a new file and renaming it over the old one, which a watch on the file itself misses);
 * where the file system gives no events or the watcher fails (network drives, some VMs and
 * containers, too many watches), polling instead. Identical content never triggers a rerun.
 */
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gitBlobId } from '../catalog/starters.ts';

export type WatchMode = 'events' | 'polling';

export interface FileWatcher {
  readonly mode: WatchMode;
  close(): void;
}

export interface WatchOptions {
  poll?: boolean;
  pollIntervalMs?: number;
  /** Told once when the watcher gives up on events and polls instead. */
  onFallback?: (reason: string) => void;
}

export function watchFiles(files: string[], onChange: (file: string) => void, options: WatchOptions = {}): FileWatcher {
  const fingerprints = new Map(files.map((f) => [f, fingerprint(f)]));
  const timers = new Map<string, NodeJS.Timeout>();
  const compare = (file: string): void => {
    const now = fingerprint(file);
    if (now === undefined || now === fingerprints.get(file)) return;
    fingerprints.set(file, now);
    onChange(file);
  };
  const changed = (file: string): void => {
    // Editors write in bursts (truncate, write, chmod): wait for the burst to settle.
    clearTimeout(timers.get(file));
    timers.set(file, setTimeout(() => compare(file), 60));
  };

  let mode: WatchMode = options.poll ? 'polling' : 'events';
  let watchers: FSWatcher[] = [];
  const interval = options.pollIntervalMs ?? 300;

  let poller: NodeJS.Timeout | undefined;
  const startPolling = (): void => {
    mode = 'polling';
    // Reads the content rather than stat(): a save within the same timestamp tick, or on a file
    // system with coarse mtimes, still counts. The files are small.
    poller = setInterval(() => {
      for (const file of files) compare(file);
    }, interval);
  };
  const fallBack = (reason: string): void => {
    if (mode === 'polling') return;
    for (const w of watchers) w.close();
    watchers = [];
    options.onFallback?.(reason);
    startPolling();
  };

  if (mode === 'polling') {
    startPolling();
  } else {
    try {
      const names = new Set(files.map((f) => basename(f)));
      for (const dir of new Set(files.map((f) => dirname(f)))) {
        const watcher = watch(dir, (_event, name) => {
          if (name && names.has(name.toString())) changed(join(dir, name.toString()));
        });
        watcher.on('error', (error) => fallBack(error.message));
        watchers.push(watcher);
      }
    } catch (error) {
      fallBack(error instanceof Error ? error.message : String(error));
    }
  }

  return {
    get mode() {
      return mode;
    },
    close() {
      for (const w of watchers) w.close();
      clearInterval(poller);
      for (const t of timers.values()) clearTimeout(t);
    },
  };
}

/** Content identity; undefined while the file is missing (mid-rename). */
export function fingerprint(file: string): string | undefined {
  try {
    return gitBlobId(readFileSync(file));
  } catch {
    return undefined;
  }
}
