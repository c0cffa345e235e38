/**
 * Every process the workbook starts (redis-server, brokers, watchers) registers here, so that a
 * normal exit, Ctrl-C, a `kill` or a closed terminal all stop it.
 */

export interface Cleanup {
  /** Graceful stop, awaited on signals. */
  stop(): Promise<void>;
  /** Last resort on `process.exit`, where nothing can be awaited. */
  stopSync(): void;
}

import { readFileSync } from 'node:fs';

const cleanups = new Set<Cleanup>();
let installed = false;
let stopping = false;

const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export function onShutdown(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** How long graceful stops may take before the rest is killed: a stop that hangs must not keep the terminal. */
const STOP_DEADLINE_MS = 4_000;

/** Stops everything registered; used by CLIs that exit on their own terms (e.g. `q` in watch mode). */
export async function shutdownAll(): Promise<void> {
  const pending = [...cleanups];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, STOP_DEADLINE_MS);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(pending.map((c) => c.stop())), deadline]);
  clearTimeout(timer);
  cleanups.clear();
  // Whatever did not stop in time is killed.
  for (const cleanup of pending) {
    try {
      cleanup.stopSync();
    } catch {
      // Already gone.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(SIGNAL_EXIT_CODES)) {
    process.on(signal, () => {
      const code = SIGNAL_EXIT_CODES[signal] ?? 1;
      if (stopping) {
        // A second Ctrl-C while stopping: do not make the learner wait.
        stopAllSync();
        process.exit(code);
      }
      stopping = true;
      void shutdownAll().finally(() => process.exit(code));
    });
  }
  process.on('exit', stopAllSync);
  watchParent();
}

/**
 * When a process above us dies (npm killed with SIGTERM takes its shell but not tsx; a terminal's
 * shell gone), no signal may ever reach us: we would keep running, and keep drawing on a terminal
 * that is someone else's now. So watch the chain of ancestors (on Linux, where /proc shows it; the
 * parent alone elsewhere) and stop as on SIGHUP when any of them dies or is re-parented.
 */
function watchParent(): void {
  if (process.ppid <= 1) return;
  const parent = process.ppid;
  // Without /proc only the parent itself can be watched (process.ppid changes when it dies).
  const chain = ancestors().filter((link) => link.ppid !== undefined);
  const timer = setInterval(() => {
    const broken = process.ppid !== parent || chain.some(({ pid, ppid }) => parentOf(pid) !== ppid);
    if (!broken) return;
    clearInterval(timer);
    if (stopping) return;
    stopping = true;
    void shutdownAll().finally(() => process.exit(SIGNAL_EXIT_CODES.SIGHUP));
  }, 500);
  timer.unref();
}

/** Our ancestors with their parents, nearest first, up to (not including) init or a sub-reaper. */
function ancestors(): Array<{ pid: number; ppid: number | undefined }> {
  const chain: Array<{ pid: number; ppid: number | undefined }> = [];
  let pid = process.ppid;
  while (pid > 1 && chain.length < 8) {
    const ppid = parentOf(pid);
    chain.push({ pid, ppid });
    if (ppid === undefined) break;
    pid = ppid;
  }
  return chain;
}

/** The parent of `pid` from /proc, or undefined when it is gone or /proc is not there. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : Number(fields[1]);
  } catch {
    return undefined;
  }
}

function stopAllSync(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup.stopSync();
    } catch {
      // Already gone: nothing left to stop.
    }
  }
  cleanups.clear();
}
